import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import type { RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

/** Every page of the studio an admin reaches from the header. */
const PAGES = ['deployments', 'datasets', 'templates', 'workers', 'users', 'workspaces', 'audit', 'account'];

describe('the studio under its Content Security Policy (issue 14, finding 11)', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  let cspViolations: string[];

  beforeAll(async () => {
    ({ server, browser, page, studio, pageErrors, cspViolations } = await openStudioSession());
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('builds nothing CSP blocks: the example runs live over Socket.IO and every page opens', async () => {
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByRole('link', { name: /Breast cancer/ }).click();
    await studio.node('train').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    // The run's charts (uPlot) and the inspector's docs render under the policy too.
    await studio.select('train');
    await page.getByTestId('loss-chart').locator('canvas').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'csp-run.png') });
    for (const name of PAGES) {
      await page.goto(`${server.url}/#/${name}`);
      await page.locator('main, [role="main"], .pw-page').first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.goto(`${server.url}/#/account`);
    await page
      .getByText(/At least 12 characters/)
      .first()
      .waitFor();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('cannot be framed by another site', async () => {
    const framer = await browser.context.newPage();
    const refused = framer.waitForEvent('console', {
      predicate: (message) => /frame-ancestors/.test(message.text()),
      timeout: 60_000,
    });
    await framer.setContent(`<iframe src="${server.url}/" width="800" height="600"></iframe>`);
    expect((await refused).text()).toMatch(
      /violates the following Content Security Policy directive: "frame-ancestors 'none'"/,
    );
    const framed = framer.frames().find((frame) => frame.url().startsWith(server.url));
    expect(framed ? await framed.getByLabel('Email').count() : 0).toBe(0);
    await framer.close();
  });
});
