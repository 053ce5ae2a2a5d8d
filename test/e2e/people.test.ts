import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from '../integration/example-pipelines.js';
import type { StudioBrowser } from './chromium.js';
import type { RunningServer } from './pipewright-server.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type AdminApi,
} from './studio-session.js';

/** The machine may be busy: a poll waits this long before failing. */
const PATIENT = { timeout: 15_000 };

const bea = { email: 'bea@pipewright.test', password: 'bea-own-password-1' };

async function logIn(page: Page, server: RunningServer, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${server.url}/`);
  const form = page.getByRole('form', { name: 'Log in' });
  await form.waitFor();
  await form.getByLabel('Email').fill(who.email);
  await form.getByLabel('Password').fill(who.password);
  await form.getByRole('button', { name: 'Log in' }).click();
  await form.waitFor({ state: 'detached' });
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('form', { name: 'Log in' }).waitFor();
}

/** The names on the pipelines list as it shows now. */
async function pipelineNames(page: Page): Promise<string[]> {
  await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  await page.getByText('Loading pipelines…').waitFor({ state: 'detached' });
  return page.locator('.pw-pipeline-card__name').allTextContents();
}

describe('people: members of several workspaces, what a role may do, and the audit log', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let call: AdminApi;
  let forecasting: { id: string; name: string };
  screenshotFailedTests(() => page);

  beforeAll(async () => {
    ({ server, browser, page } = await openStudioSession());
    await page.setViewportSize({ width: 1280, height: 800 });
    call = await adminApi(server);
    // Bea edits in the default workspace; Forecasting, made by the instance admin, holds a pipeline of its own.
    await call('POST', '/users', { ...bea, role: 'editor' });
    forecasting = (await call('POST', '/workspaces', { name: 'Forecasting' })) as { id: string; name: string };
    await call('POST', '/auth/workspace', { workspaceId: forecasting.id });
    await call('POST', '/pipelines', { ...breastCancerPipeline(), name: 'Demand forecast' });
  }, 240_000);
  afterAll(() => closeStudioSession({ server, browser }));

  it('lets an admin add a user to a second workspace, and that user switch to it', async () => {
    await page.getByRole('link', { name: 'People' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByTestId(`user-${bea.email}`).waitFor();
    // A user added without a password gets a one-time one, shown once; disabling shows at once.
    const newUser = page.getByRole('form', { name: 'Add a user' });
    await newUser.getByLabel('Email').fill('carl@pipewright.test');
    await newUser.getByLabel('Role').selectOption('viewer');
    await newUser.getByRole('button', { name: 'Add user' }).click();
    expect(await page.getByTestId('one-time-password').textContent()).toMatch(/\S{12,}/);
    const carl = users.getByTestId('user-carl@pipewright.test');
    await carl.waitFor();
    expect(await carl.getByLabel('Role of carl@pipewright.test in Default').inputValue()).toBe('viewer');
    await carl.getByRole('button', { name: 'Disable' }).click();
    await carl.getByText('disabled', { exact: true }).waitFor();
    await page.screenshot({ path: join(screenshots, 'people-users.png'), fullPage: true });

    await page.getByRole('navigation', { name: 'People' }).getByRole('link', { name: 'Workspaces' }).click();
    // Made after this login, Forecasting is in the header's menu once the admin moves to another page.
    expect(await page.getByRole('combobox', { name: 'Workspace' }).locator('option').allTextContents()).toContain(
      'Forecasting (admin)',
    );
    await page.getByTestId('workspace-Forecasting').getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'Members of Forecasting' }).waitFor();

    const add = page.getByRole('form', { name: 'Add a member' });
    await add.getByLabel('Email').fill('nobody@pipewright.test');
    await add.getByRole('button', { name: 'Add member' }).click();
    // A user who does not exist is named in the refusal, and nothing changes.
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/nobody@pipewright\.test/);
    await add.getByLabel('Email').fill(bea.email);
    await add.getByLabel('Role').selectOption('viewer');
    await add.getByRole('button', { name: 'Add member' }).click();
    const row = page.getByRole('table', { name: 'Members' }).getByTestId(`member-${bea.email}`);
    await row.waitFor();
    expect(await row.getByLabel(`Role of ${bea.email}`).inputValue()).toBe('viewer');
    await page.screenshot({ path: join(screenshots, 'people-members.png') });

    await logOut(page);
    await logIn(page, server, bea);
    // Bea works in the default workspace first: Forecasting's pipeline is not there.
    expect(await pipelineNames(page)).not.toContain('Demand forecast');
    // Not an admin: no People or Audit pages offered.
    await expect(page.getByRole('link', { name: 'People' }).count()).resolves.toBe(0);
    const switcher = page.getByRole('combobox', { name: 'Workspace' });
    expect(await switcher.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['Forecasting (viewer)', expect.stringMatching(/\(editor\)$/)]),
    );
    await switcher.selectOption({ label: 'Forecasting (viewer)' });
    await expect.poll(() => pipelineNames(page), PATIENT).toContain('Demand forecast');
    await page.screenshot({ path: join(screenshots, 'people-switched-workspace.png') });
  });

  it('shows a viewer Run disabled, with the reason', async () => {
    // Bea, a viewer in Forecasting since the last test, opens its pipeline.
    await page.locator('.pw-pipeline-card', { hasText: 'Demand forecast' }).click();
    const run = page.getByRole('button', { name: 'Run', exact: true });
    await run.waitFor();
    expect(await run.isDisabled()).toBe(true);
    const reason = 'Viewers cannot run pipelines in “Forecasting”: it takes the admin or editor role.';
    expect(await run.getAttribute('aria-describedby')).toBeTruthy();
    const description = page.locator(`[id="${await run.getAttribute('aria-describedby')}"]`);
    expect(await description.textContent()).toContain(reason);
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    // The reason shows where the pointer is.
    await run.hover({ force: true });
    await description.waitFor({ state: 'visible' });
    await page.screenshot({ path: join(screenshots, 'people-viewer-run-disabled.png') });
    // The shortcut says the same instead of asking the server.
    await page.getByTestId('canvas').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('notice').textContent(), PATIENT).toContain(reason);
  });

  it('lets a user change their own password on the account page', async () => {
    // Still Bea, back from the editor: the email in the header opens the account page.
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: bea.email }).click();
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not-her-password');
    await form.getByLabel('New password', { exact: true }).fill('bea-second-password');
    await form.getByLabel('Repeat the new password').fill('bea-second-password');
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), PATIENT).toMatch(/current password is wrong/);
    await form.getByLabel('Current password').fill(bea.password);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), PATIENT).toMatch(/Password changed/);
    bea.password = 'bea-second-password';
    // This session goes on.
    await page.getByRole('link', { name: 'Pipelines', exact: true }).click();
    await page.getByRole('heading', { name: 'Pipelines' }).waitFor();
  });

  it('lets an admin read and filter the audit log', async () => {
    await logOut(page);
    await logIn(page, server, server.admin);
    await page.getByRole('link', { name: 'Audit' }).click();
    const entries = page.getByRole('table', { name: 'Audit entries' });
    await entries.waitFor();
    const actions = () => entries.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(await actions()).toEqual(expect.arrayContaining(['member.added', 'workspace.created', 'user.created']));

    const filter = page.getByRole('form', { name: 'Filter the audit log' });
    await filter.getByLabel('Action', { exact: true }).selectOption('member.added');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(actions, PATIENT).toEqual(['member.added']);
    expect(await entries.textContent()).toContain(bea.email);
    await page.screenshot({ path: join(screenshots, 'people-audit-filtered.png') });

    // By user: all Bea did that the log records is changing her password.
    await filter.getByLabel('Action', { exact: true }).selectOption({ index: 0 });
    await filter.getByLabel('User', { exact: true }).fill(bea.email);
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(actions, PATIENT).toEqual(['user.password-changed']);
    await filter.getByLabel('User', { exact: true }).fill('nobody@pipewright.test');
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('audit-count').textContent(), PATIENT).toBe('No entries match.');

    // By date: everything happened today, nothing tomorrow.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString('en-CA');
    await filter.getByLabel('User', { exact: true }).fill(server.admin.email);
    await filter.getByLabel('From', { exact: true }).fill(day(1));
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('audit-count').textContent(), PATIENT).toBe('No entries match.');
    await filter.getByLabel('From', { exact: true }).fill(day(0));
    await filter.getByLabel('To', { exact: true }).fill(day(0));
    await filter.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(actions, PATIENT).toEqual(expect.arrayContaining(['member.added', 'workspace.created']));
  });
});
