import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import type { RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshots } from './studio-session.js';

describe('the studio when the server restarts mid-run', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    // A job whose worker went away is taken up again after ten seconds without a heartbeat.
    ({ server, browser, page, studio } = await openStudioSession({
      serverEnv: { PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '10' },
    }));
  });
  afterAll(() => closeStudioSession({ server, browser }));

  it('reconnects by itself and catches up on the events it missed, with no reload', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: /Breast cancer/ }).click();
    await studio.select('train');
    await studio.fillParam('epochs', '3000');
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { statusesSeen: seen, sameDocument: true });
      setInterval(() => {
        const bar = document.querySelector('[data-testid="run-status"]');
        const text = bar ? `${bar.getAttribute('data-status')}: ${bar.textContent}` : '';
        if (text && text !== seen.at(-1)) seen.push(text);
      }, 50);
    });

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('[data-testid="status-train"][data-status="running"]').waitFor({ timeout: 120_000 });
    await server.restart();

    const runStatus = page.getByTestId('run-status');
    await studio.waitForRunToEnd();
    expect(await runStatus.getAttribute('data-status'), `${await runStatus.textContent()}\n${server.output()}`).toBe(
      'succeeded',
    );
    const seen = await page.evaluate(() => (window as unknown as { statusesSeen: string[] }).statusesSeen);
    expect(
      seen.some((text) => text.includes('Reconnecting')),
      seen.join('\n'),
    ).toBe(true);
    // The page is the one that started the run: no reload happened.
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    for (const id of ['source', 'dedupe', 'split', 'impute', 'train', 'score', 'metrics']) {
      expect(['succeeded', 'cached'], id).toContain(await page.getByTestId(`status-${id}`).getAttribute('data-status'));
    }
    await studio.node('metrics').getByTestId('metric-accuracy').waitFor();
    await page.screenshot({ path: join(screenshots, 'reconnected.png') });
  });
});
