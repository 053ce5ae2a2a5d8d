import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type StudioBrowser } from './chromium.js';
import { buildPipewright, startPipewrightServer, type RunningServer } from './pipewright-server.js';
import { screenshotFailedTests, screenshots } from './studio-session.js';

/** The first start without PIPEWRIGHT_ADMIN_PASSWORD: the console shows a one-time password. */
describe('the first login with the generated password', () => {
  let server: RunningServer | undefined;
  let browser: StudioBrowser | undefined;
  let page: Page | undefined;
  screenshotFailedTests(() => page);

  beforeAll(async () => {
    buildPipewright();
    mkdirSync(screenshots, { recursive: true });
    [server, browser] = await Promise.all([
      startPipewrightServer(undefined, { PIPEWRIGHT_ADMIN_EMAIL: '', PIPEWRIGHT_ADMIN_PASSWORD: '' }),
      launchChromium(),
    ]);
    page = await browser.context.newPage();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for a new password right after logging in, then opens the studio', async () => {
    const printed = /password: (\S+)/.exec(server!.output());
    expect(printed, server!.output()).not.toBeNull();
    const oneTimePassword = printed![1];
    const tab = page!;
    const consoleErrors: string[] = [];
    tab.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });

    await tab.goto(`${server!.url}/`);
    const login = tab.getByRole('form', { name: 'Log in' });
    await login.waitFor();
    // A visitor who never logged in gets the login page without a refused request in the console.
    expect(consoleErrors).toEqual([]);
    await login.getByLabel('Email').fill('admin@localhost');
    await login.getByLabel('Password').fill(oneTimePassword);
    await login.getByRole('button', { name: 'Log in' }).click();

    const change = tab.getByRole('form', { name: 'Choose your password' });
    await change.waitFor();
    // The one-time password was just typed: only the new one is asked for.
    await expect(change.getByLabel('One-time password').count()).resolves.toBe(0);
    await change.getByLabel('New password', { exact: true }).fill('my-own-password');
    await change.getByLabel('Repeat the new password').fill('my-own-passwort');
    await change.getByRole('button', { name: 'Save and continue' }).click();
    await expect(change.getByRole('alert').textContent()).resolves.toBe('The two new passwords differ.');
    await tab.screenshot({ path: join(screenshots, 'first-login-change-password.png') });

    await change.getByLabel('Repeat the new password').fill('my-own-password');
    await change.getByRole('button', { name: 'Save and continue' }).click();
    await tab.getByRole('link', { name: 'New pipeline' }).waitFor();
    await expect(change.count()).resolves.toBe(0);

    // A reload keeps the session, now with nothing left to change.
    await tab.reload();
    await tab.getByRole('link', { name: 'New pipeline' }).waitFor();
    const relogin = await fetch(`${server!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password: 'my-own-password' }),
    });
    expect(((await relogin.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(false);

    // Logging out leads back to the login page, and a reload stays there, still without console errors.
    await tab.getByRole('button', { name: 'Log out' }).click();
    await login.waitFor();
    await tab.reload();
    await login.waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
