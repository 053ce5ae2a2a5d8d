import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type StudioBrowser } from './chromium.js';
import { challengerPipeline, deployingPipeline } from '../integration/example-pipelines.js';
import type { RunningServer } from './pipewright-server.js';
import { StudioPage } from './studio-page.js';
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
  /** The browser of a second user, when a test needs one. */
  let theirBrowser: StudioBrowser | undefined;
  let theirs: Page;
  let studioKeyPipeline: string;
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
  afterAll(async () => {
    await theirBrowser?.close();
    await closeStudioSession({ server, browser });
  });

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

  it('shows the API key of a deployment a new user’s studio run created once, to that user and no one else', async () => {
    const call = await adminApi(server);
    const newcomer = { email: 'newcomer@pipewright.test', password: 'a-long-and-new-passphrase-for-e2e' };
    await call('POST', '/users', { ...newcomer, role: 'editor' });
    const file = deployingPipeline();
    file.nodes.find((node) => node.id === 'deploy')!.params = { name: 'studio-key' };
    // A trainer no earlier run trained, that takes a few seconds: the run is not answered from the cache as it
    // starts, so the user has left the editor before its key comes.
    const train = file.nodes.find((node) => node.id === 'train')!;
    train.params = { ...train.params, epochs: 20_000 };
    const pipeline = (await call('POST', '/pipelines', file)) as { id: string };
    studioKeyPipeline = pipeline.id;

    // The new user, in a browser of their own, runs the pipeline from the editor.
    theirBrowser = await launchChromium();
    theirs = await theirBrowser.context.newPage();
    await new StudioPage(theirs).logIn({ url: server.url, admin: newcomer });
    await theirs.goto(`${server.url}/#/pipelines/${pipeline.id}`);
    await theirs.getByRole('button', { name: 'Run', exact: true }).click();
    // They do not wait in the editor while it trains: the key is shown on whichever page they went to.
    await theirs.locator('[data-testid="run-status"]').waitFor();
    await theirs.getByRole('link', { name: 'Pipelines', exact: true }).click();
    await theirs.getByRole('heading', { name: 'Pipelines', level: 1 }).waitFor();
    const dialog = theirs.getByRole('dialog', { name: 'API key for "studio-key"' });
    await dialog.waitFor({ timeout: 120_000 });
    const key = (await dialog.getByTestId('revealed-api-key').textContent())!.trim();
    expect(key).toMatch(/^pwk_/);
    await theirs.screenshot({ path: join(screenshots, 'studio-run-api-key.png') });
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

    // The admin, looking at the same pipeline and its finished run, is shown no key.
    await page.goto(`${server.url}/#/pipelines/${pipeline.id}`);
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    await page.waitForTimeout(1500);
    expect(await page.getByRole('dialog').count()).toBe(0);

    await dialog.getByRole('button', { name: 'I have kept it' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Never again: not after a reload (the run's key pair was this page's), and the server has nothing left to give.
    await theirs.goto(`${server.url}/#/pipelines/${pipeline.id}`);
    await theirs.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    await theirs.reload();
    await theirs.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    await theirs.waitForTimeout(2500);
    expect(await theirs.getByRole('dialog').count()).toBe(0);
    const runs = (await call('GET', `/pipelines/${pipeline.id}/runs`)) as { items: { id: string }[] };
    const left = await theirs.evaluate(
      (runId) => fetch(`/api/runs/${runId}/key-reveals`, { method: 'POST' }).then((r) => r.json()),
      runs.items[0].id,
    );
    expect(left).toEqual({ items: [] });
  });

  it('keeps an editor’s new version of a serving deployment as a candidate, and shows the editor why they cannot promote it', async () => {
    // The new user (an editor) runs the same pipeline again: "studio-key" exists, so replacing v1 is an admin's act.
    await theirs.goto(`${server.url}/#/pipelines/${studioKeyPipeline}`);
    await theirs.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    // Its deploy node was left on policy always: the inspector says what that means and offers ifBetter.
    await theirs.getByTestId('node-deploy').click();
    expect(await theirs.getByTestId('deploy-policy-hint').textContent()).toMatch(
      /whatever its figures[\s\S]*Use ifBetter on accuracy/,
    );
    await theirs.getByRole('button', { name: 'Run', exact: true }).click();
    const outcome = theirs.getByTestId('deployment-outcome');
    await outcome.filter({ hasText: 'v2' }).waitFor({ timeout: 120_000 });
    expect(await outcome.textContent()).toMatch(/needs an admin to promote/);
    // No new key: the deployment was not created by this run.
    expect(await theirs.getByRole('dialog').count()).toBe(0);

    await theirs.getByRole('link', { name: 'Deployments' }).click();
    await theirs
      .getByRole('list', { name: 'Deployments' })
      .getByRole('button', { name: /studio-key/ })
      .click();
    const detail = theirs.getByRole('region', { name: 'Deployment studio-key' });
    const candidate = detail.getByTestId('version-2');
    await candidate.waitFor();
    expect(await candidate.textContent()).toMatch(/candidate[\s\S]*needs an admin to promote/);
    expect(await candidate.textContent()).toMatch(/newcomer@pipewright\.test's run/);
    expect(await detail.getByTestId('version-1').textContent()).toMatch(/serving/);
    const promote = detail.getByRole('button', { name: 'Promote v2' });
    expect(await promote.isDisabled()).toBe(true);
    // The reason comes from studio/src/permissions/permissions.ts, as every page's does.
    const reason =
      'Editors cannot promote or roll back a version in “Default”: it takes the admin role. Ask an admin of the workspace.';
    expect(await theirs.getByTestId('promote-reason').textContent()).toBe(reason);
    expect(await promote.getAttribute('title')).toBe(reason);
    await theirs.screenshot({ path: join(screenshots, 'deployments-editor-candidate.png'), fullPage: true });

    // The admin may: promoting it makes v2 serve.
    await page.goto(`${server.url}/#/deployments`);
    await page
      .getByRole('list', { name: 'Deployments' })
      .getByRole('button', { name: /studio-key/ })
      .click();
    const asAdmin = page.getByRole('region', { name: 'Deployment studio-key' });
    await asAdmin.getByRole('button', { name: 'Promote v2' }).click();
    await asAdmin.getByRole('button', { name: 'Roll back to v1' }).waitFor();
    expect(await asAdmin.getByTestId('version-2').textContent()).toMatch(/serving/);
  });
});
