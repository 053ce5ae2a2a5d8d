import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import { deployingPipeline } from '../integration/example-pipelines.js';
import type { RunningServer } from './pipewright-server.js';
import { adminApi, closeStudioSession, openStudioSession } from './studio-session.js';

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
});
