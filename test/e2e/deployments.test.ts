import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import { deployingPipeline } from '../integration/example-pipelines.js';
import type { RunningServer } from './pipewright-server.js';
import { StudioPage } from './studio-page.js';
import { adminApi, closeStudioSession, openStudioSession, screenshots } from './studio-session.js';

/** Through the API as the admin: a run of the example with a deploy.service node, which deploys itself. */
async function deployExample(server: RunningServer): Promise<void> {
  const call = await adminApi(server);
  const pipeline = (await call('POST', '/pipelines', deployingPipeline())) as { id: string };
  await call('POST', `/pipelines/${pipeline.id}/runs`, {});
  for (let i = 0; i < 240; i++) {
    const list = (await call('GET', '/deployments')) as { items: { name: string }[] };
    if (list.items.some((d) => d.name === 'breast-cancer')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the example was not deployed within 60 s');
}

describe('the deployments page', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;

  beforeAll(async () => {
    ({ server, browser, page } = await openStudioSession());
    await deployExample(server);
  });
  afterAll(() => closeStudioSession({ server, browser }));

  it('shows a deployment, makes an API key once, and answers the Try it request with a prediction', async () => {
    await page.getByRole('link', { name: 'Deployments' }).click();
    const detail = page.getByRole('region', { name: 'Deployment breast-cancer' });
    await detail.getByRole('table', { name: 'Versions' }).getByText('serving').waitFor();
    expect(await page.getByTestId('curl-example').textContent()).toContain('/api/predict/breast-cancer');

    await detail.getByRole('button', { name: 'New key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent()) ?? '';
    expect(key).toMatch(/^pwk_/);
    expect(await page.getByTestId('curl-example').textContent()).toContain(`Bearer ${key}`);

    await page.getByRole('region', { name: 'Try it' }).getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('try-it-answer');
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(/^200\n[\s\S]*"predictions": \[\s*"(benign|malignant)"/);
    // The request it just made shows in the serving figures.
    await page.reload();
    const serving = page.getByRole('table', { name: 'Serving' });
    await serving.waitFor();
    expect(await serving.locator('tbody tr').first().textContent()).toMatch(/^v1[1-9]/);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('form', { name: 'Log in' }).waitFor();
    await page.reload();
    await page.getByRole('form', { name: 'Log in' }).waitFor();
  });

  it('fits 1280 px, keeps its header after a roll back, and always says which version serves', async () => {
    // A second version, deployed by hand from the same run's trainer, to roll back from.
    const call = await adminApi(server);
    const [first] = ((await call('GET', '/deployments/breast-cancer/versions')) as { items: { runId: string }[] })
      .items;
    await call('POST', '/deployments', { runId: first.runId, nodeId: 'train', name: 'breast-cancer' });
    await page.setViewportSize({ width: 1280, height: 800 });
    // The test before ended logged out.
    await new StudioPage(page).logIn(server);
    await page.goto(`${server.url}/#/deployments`);
    const detail = page.getByRole('region', { name: 'Deployment breast-cancer' });
    await detail.getByRole('button', { name: 'Roll back to v1' }).waitFor();
    await page.getByTestId('curl-example').waitFor();
    const overflow = () =>
      page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, scrollX: window.scrollX }));
    expect(await overflow()).toEqual({ scrollWidth: 1280, scrollX: 0 });
    await page.screenshot({ path: join(screenshots, 'deployments-1280.png'), fullPage: true });

    await detail.getByRole('button', { name: 'Roll back to v1' }).click();
    await detail.getByRole('button', { name: 'Promote v2' }).waitFor();
    expect(await overflow()).toEqual({ scrollWidth: 1280, scrollX: 0 });
    const heading = await page.getByRole('heading', { name: 'Deployments', level: 1 }).boundingBox();
    expect(heading!.x).toBeGreaterThanOrEqual(0);
    const title = await detail.getByRole('heading', { level: 2 }).boundingBox();
    expect(title!.x).toBeGreaterThanOrEqual(0);
    expect(title!.x + title!.width).toBeLessThanOrEqual(1280);
    // The list beside it says what serves now, without a reload.
    const listed = page.getByRole('list', { name: 'Deployments' }).getByRole('button', { name: /breast-cancer/ });
    await page.waitForFunction(
      () => /v1/.test(document.querySelector('[aria-label="Deployments"] button')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    expect(await listed.textContent()).toMatch(/v1\b/);
    await page.screenshot({ path: join(screenshots, 'deployments-rolled-back-1280.png') });
  });
});
