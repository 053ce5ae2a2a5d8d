import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioPage } from './studio-page.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type StudioSession,
} from './studio-session.js';

/** Breast cancer split, a forest tuned over 12 trials on the train side, its best model scored on the test side. */
function tuningPipeline() {
  const at = (x: number, y: number) => ({ x: x * 280, y: y * 200 });
  return {
    format: 'pipewright/v1',
    name: 'Breast cancer — tuned forest',
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/breast_cancer.csv' }, position: at(0, 0) },
      { id: 'split', type: 'split.random', params: { stratify: 'diagnosis', seed: 1 }, position: at(1, 0) },
      {
        id: 'tune',
        type: 'train.tune',
        params: {
          trainer: 'train.forest',
          label: 'diagnosis',
          space: { trees: [150, 300], maxDepth: [2, 4, 0], maxFeatures: ['sqrt', 'all'] },
          folds: 5,
        },
        position: at(2, 0),
      },
      { id: 'score', type: 'evaluate.score', params: {}, position: at(3, 0) },
      { id: 'metrics', type: 'evaluate.classification', params: {}, position: at(4, 0) },
    ],
    edges: [
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'tune.in' },
      { from: 'tune.model', to: 'score.model' },
      { from: 'split.test', to: 'score.in' },
      { from: 'score.out', to: 'metrics.in' },
    ],
  };
}

/** The mean of a `0.956 ± 0.012` cell. */
const meanOf = (text: string | null) => Number((text ?? '').split('±')[0]);

describe('tuning a trainer: the trials table fills in as trials finish', () => {
  let session: StudioSession | undefined;
  let page: Page;
  let studio: StudioPage;
  screenshotFailedTests(() => session?.page);

  beforeAll(async () => {
    session = await openStudioSession();
    ({ page, studio } = session);
    const call = await adminApi(session.server);
    const { id } = (await call('POST', '/pipelines', tuningPipeline())) as { id: string };
    await page.goto(`${session.server.url}/#/pipelines/${id}`);
    await studio.canvas().waitFor();
  }, 300_000);
  afterAll(() => closeStudioSession(session ?? {}));

  it('lists each trial live, then all 12 with the best highlighted', async () => {
    await studio.select('tune');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const inspector = page.getByTestId('node-inspector');
    const table = inspector.getByTestId('tuning-trials');

    // While the run goes on, finished trials are listed and the rest are still to come.
    await table.locator('tbody tr').first().waitFor({ timeout: 240_000 });
    const live = (await table.locator('.pw-tuning__summary').textContent()) ?? '';
    const done = Number(/^(\d+) of 12 trials done/.exec(live)?.[1]);
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(12);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('running');
    await page.screenshot({ path: join(screenshots, 'tuning-live.png') });

    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    await studio.select('tune');
    expect(await table.locator('.pw-tuning__summary').textContent()).toMatch(
      /^12 of 12 trials done · Accuracy, mean ± sd over 5 folds \(higher is better\) · best: trial \d+/,
    );
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(12);
    expect(await table.locator('thead th').allTextContents()).toEqual([
      '#',
      'Accuracy',
      'maxDepth',
      'maxFeatures',
      'trees',
      'worker',
    ]);
    // One row is the best, and no trial scored higher.
    const best = table.locator('tbody tr[aria-current="true"]');
    expect(await best.count()).toBe(1);
    const scores = (await rows.locator('td:nth-child(2)').allTextContents()).map(meanOf);
    expect(meanOf(await best.locator('td:nth-child(2)').textContent())).toBe(Math.max(...scores));
    expect(await table.getByTestId('tuning-best').textContent()).toBe(
      `trial ${await best.locator('td').first().textContent()}`,
    );
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'tuning-done.png') });

    // The tuned model scored the withheld rows downstream.
    await studio.select('metrics');
    expect(
      Number(await inspector.getByTestId('inspector-metric-accuracy').locator('td').textContent()),
    ).toBeGreaterThan(0.9);
  });
});
