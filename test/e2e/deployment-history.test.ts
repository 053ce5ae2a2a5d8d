import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import { challengerPipeline, deployingPipeline } from '../integration/example-pipelines.js';
import type { RunningServer } from './pipewright-server.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type AdminApi,
} from './studio-session.js';

/** Runs a pipeline through the API and waits until its deploy node has published version `version` of `name`. */
async function runAndDeploy(call: AdminApi, file: object, name: string, version: number): Promise<void> {
  const pipeline = (await call('POST', '/pipelines', file)) as { id: string };
  await call('POST', `/pipelines/${pipeline.id}/runs`, {});
  for (let i = 0; i < 480; i++) {
    const versions = (await call('GET', `/deployments/${name}/versions`)) as { items?: { version: number }[] };
    if (versions.items?.some((v) => v.version === version)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`version ${version} of "${name}" was not published within 2 minutes`);
}

/** Whether the page can be scrolled sideways (what a user sees as content running off the right edge). */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth || window.scrollX !== 0);

describe('a deployment’s history, and the key a studio run shows once', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  screenshotFailedTests(() => page);

  beforeAll(async () => {
    ({ server, browser, page } = await openStudioSession());
    await page.setViewportSize({ width: 1280, height: 800 });
    const call = await adminApi(server);
    // v1 weak (first: serves), v2 strong (a challenger that wins), v3 weak again (one that loses).
    const ifBetter = { policy: 'ifBetter', metric: 'accuracy' };
    await runAndDeploy(call, challengerPipeline('cancer-cc', ifBetter, true), 'cancer-cc', 1);
    await runAndDeploy(call, challengerPipeline('cancer-cc', ifBetter, false), 'cancer-cc', 2);
    await runAndDeploy(call, challengerPipeline('cancer-cc', ifBetter, true), 'cancer-cc', 3);
  });
  afterAll(() => closeStudioSession({ server, browser }));

  it('shows a promoted and a refused challenger with both figures, fitting 1280 px', async () => {
    await page.getByRole('link', { name: 'Deployments' }).click();
    const detail = page.getByRole('region', { name: 'Deployment cancer-cc' });
    const versions = detail.getByRole('table', { name: 'Versions' });
    await versions.waitFor();
    const promoted = versions.getByTestId('version-2');
    const refused = versions.getByTestId('version-3');
    expect(await promoted.textContent()).toMatch(/serving[\s\S]*promoted challenger/);
    expect(await promoted.textContent()).toMatch(/accuracy 0\.98\d\d vs v1 0\.\d{4} on 114 rows/);
    expect(await refused.textContent()).toMatch(/candidate[\s\S]*refused challenger/);
    expect(await refused.textContent()).toMatch(/worse by 0\.\d{4}/);
    expect(await refused.textContent()).toMatch(/accuracy 0\.\d{4} vs v2 0\.98\d\d on 114 rows/);
    expect(await versions.getByTestId('version-1').textContent()).toMatch(/the first version of a deployment serves/);
    // The curl command, the key field and the request body fit too.
    await page.getByTestId('curl-example').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await page.screenshot({ path: join(screenshots, 'deployments-history-1280.png'), fullPage: true });
  });

  it('shows the API key of a deployment a studio run created once, to whoever ran it', async () => {
    const call = await adminApi(server);
    const file = deployingPipeline();
    file.nodes.find((node) => node.id === 'deploy')!.params = { name: 'studio-key' };
    const pipeline = (await call('POST', '/pipelines', file)) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${pipeline.id}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'API key for "studio-key"' });
    await dialog.waitFor({ timeout: 120_000 });
    const key = (await dialog.getByTestId('revealed-api-key').textContent())!.trim();
    expect(key).toMatch(/^pwk_/);
    await page.screenshot({ path: join(screenshots, 'studio-run-api-key.png') });
    const row = Object.fromEntries(
      (
        (await call('GET', '/deployments/studio-key/versions')) as { items: { inputs: { name: string }[] }[] }
      ).items[0].inputs.map((c) => [c.name, 1]),
    );
    const answer = await fetch(`${server.url}/api/predict/studio-key`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ rows: [row] }),
    });
    expect(answer.status).toBe(200);
    await dialog.getByRole('button', { name: 'I have kept it' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Never again: not after a reload (the run's key pair was this page's), and the server has nothing left to give.
    await page.reload();
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    await page.waitForTimeout(1500);
    expect(await page.getByRole('dialog').count()).toBe(0);
    const runs = (await call('GET', `/pipelines/${pipeline.id}/runs`)) as { items: { id: string }[] };
    const left = await page.evaluate(
      (runId) => fetch(`/api/runs/${runId}/key-reveals`, { method: 'POST' }).then((r) => r.json()),
      runs.items[0].id,
    );
    expect(left).toEqual({ items: [] });
  });
});
