import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import { deployingPipeline } from '../integration/example-pipelines.js';
import type { RunningServer } from './pipewright-server.js';
import { StudioPage } from './studio-page.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
} from './studio-session.js';

/** Through the API as the admin: a run of the example with a deploy.service node, which deploys itself. */
async function deployExample(server: RunningServer): Promise<string> {
  const call = await adminApi(server);
  const pipeline = (await call('POST', '/pipelines', deployingPipeline())) as { id: string };
  await call('POST', `/pipelines/${pipeline.id}/runs`, {});
  for (let i = 0; i < 240; i++) {
    const list = (await call('GET', '/deployments')) as { items: { name: string }[] };
    if (list.items.some((d) => d.name === 'breast-cancer')) return pipeline.id;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the example was not deployed within 60 s');
}

/**
 * What runs off the right edge: whether the page scrolls sideways (scrollWidth > clientWidth), which elements
 * inside it scroll sideways on their own, and which visible ones reach past the window's right edge (clipped).
 */
function overflow(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const named = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}`;
    const inside = [...document.querySelectorAll('main *')];
    return {
      pageScrollsSideways: root.scrollWidth > root.clientWidth || window.scrollX !== 0,
      scrollsSideways: inside
        .filter((element) => element.scrollWidth > element.clientWidth + 1)
        .filter((element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX))
        .map(named),
      pastTheRightEdge: inside
        .filter((element) => {
          const box = element.getBoundingClientRect();
          return box.width > 0 && box.right > root.clientWidth + 0.5;
        })
        .map(named),
    };
  });
}

describe('the deployments page', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  /** The example's pipeline, deployed as "breast-cancer". */
  let pipelineId: string;
  screenshotFailedTests(() => page);

  beforeAll(async () => {
    ({ server, browser, page } = await openStudioSession());
    pipelineId = await deployExample(server);
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
    await expect.poll(() => page.getByTestId('curl-example').textContent()).toContain(`Bearer ${key}`);

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
    // Two more versions: v2 deployed by hand from the first run's trainer, v3 by a second run of the pipeline.
    const call = await adminApi(server);
    const versionsOf = async () =>
      ((await call('GET', '/deployments/breast-cancer/versions')) as { items: { version: number; runId: string }[] })
        .items;
    const [first] = await versionsOf();
    expect(
      await call('POST', '/deployments', { runId: first.runId, nodeId: 'train', name: 'breast-cancer' }),
    ).toMatchObject({ version: 2 });
    await call('POST', `/pipelines/${pipelineId}/runs`, {});
    for (let i = 0; i < 480 && !(await versionsOf()).some((v) => v.version === 3); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // The test before ended logged out.
    await new StudioPage(page).logIn(server);
    await page.goto(`${server.url}/#/deployments`);
    const detail = page.getByRole('region', { name: 'Deployment breast-cancer' });
    await detail.getByRole('button', { name: 'Roll back to v2' }).waitFor();
    await page.getByTestId('curl-example').waitFor();
    expect(await overflow(page)).toEqual({ pageScrollsSideways: false, scrollsSideways: [], pastTheRightEdge: [] });
    await page.screenshot({ path: join(screenshots, 'deployments-1280.png'), fullPage: true });

    await detail.getByRole('button', { name: 'Roll back to v2' }).click();
    await detail.getByRole('button', { name: 'Promote v3' }).waitFor();
    expect(await overflow(page)).toEqual({ pageScrollsSideways: false, scrollsSideways: [], pastTheRightEdge: [] });
    const heading = await page.getByRole('heading', { name: 'Deployments', level: 1 }).boundingBox();
    expect(heading!.x).toBeGreaterThanOrEqual(0);
    const title = detail.getByRole('heading', { level: 2 });
    const titleBox = await title.boundingBox();
    expect(titleBox!.x).toBeGreaterThanOrEqual(0);
    expect(titleBox!.x + titleBox!.width).toBeLessThanOrEqual(1280);
    expect(await title.textContent()).toMatch(/v2 serves/);
    expect(await detail.getByTestId('version-2').textContent()).toMatch(/serving/);
    expect(await detail.getByTestId('version-3').textContent()).not.toMatch(/serving/);
    // The list beside it says what serves now, without a reload.
    const listed = page.getByRole('list', { name: 'Deployments' }).getByRole('button', { name: /breast-cancer/ });
    await page.waitForFunction(
      () => /v2 serves/.test(document.querySelector('[aria-label="Deployments"] button')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    expect(await listed.textContent()).toMatch(/v2 serves/);
    await page.screenshot({ path: join(screenshots, 'deployments-rolled-back-1280.png'), fullPage: true });
  });
});
