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

/**
 * Tumour area from the other measurements of the example's data (a
 * regression, so residuals), which features matter to it, and a profile of
 * the rows it reads.
 */
function evaluationPipeline() {
  const at = (x: number, y: number) => ({ x: x * 280, y: y * 200 });
  return {
    format: 'pipewright/v1',
    name: 'Tumour area — evaluation charts',
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/breast_cancer.csv' }, position: at(0, 0) },
      { id: 'profile', type: 'explore.profile', params: {}, position: at(1, 1) },
      { id: 'split', type: 'split.random', params: { fraction: 0.8, seed: 7 }, position: at(1, 0) },
      { id: 'train', type: 'train.linear', params: { label: 'mean area' }, position: at(2, 0) },
      { id: 'score', type: 'evaluate.score', params: {}, position: at(3, 0) },
      { id: 'metrics', type: 'evaluate.regression', params: {}, position: at(4, 0) },
      { id: 'importance', type: 'evaluate.importance', params: { repeats: 3 }, position: at(3, 1) },
    ],
    edges: [
      { from: 'source.out', to: 'profile.in' },
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'train.in' },
      { from: 'train.model', to: 'score.model' },
      { from: 'split.test', to: 'score.in' },
      { from: 'score.out', to: 'metrics.in' },
      { from: 'train.model', to: 'importance.model' },
      { from: 'split.test', to: 'importance.in' },
    ],
  };
}

describe('the charts of a run’s evaluation, explained on the canvas', () => {
  let session: StudioSession | undefined;
  let page: Page;
  let studio: StudioPage;
  screenshotFailedTests(() => session?.page);

  beforeAll(async () => {
    session = await openStudioSession();
    ({ page, studio } = session);
    const call = await adminApi(session.server);
    const { id } = (await call('POST', '/pipelines', evaluationPipeline())) as { id: string };
    await page.goto(`${session.server.url}/#/pipelines/${id}`);
    await studio.canvas().waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
  }, 300_000);
  afterAll(() => closeStudioSession(session ?? {}));

  it('plots the residuals of the withheld rows against their predictions', async () => {
    await studio.select('metrics');
    const chart = page.getByTestId('node-inspector').getByTestId('residual-chart');
    await chart.waitFor();
    // One point a withheld row: 569 rows, 20 % withheld.
    expect(Number(await chart.getAttribute('data-points'))).toBe(114);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('node-inspector').textContent()).toMatch(/R²\s*0\.9\d/);
    await page.screenshot({ path: join(screenshots, 'residual-chart.png') });
  });

  it('ranks the features by how much shuffling each one costs, the largest first', async () => {
    await studio.select('importance');
    const bars = page.getByTestId('node-inspector').getByTestId('importance-chart').locator('li');
    await bars.first().waitFor();
    // 31 columns less the label; 25 bars at most.
    expect(await bars.count()).toBe(25);
    const values = (await bars.locator('.pw-bars__value').allTextContents()).map(Number);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values[0]).toBeGreaterThan(0);
    // The area of a tumour follows its size: a size measure comes first.
    expect(await bars.first().locator('.pw-bars__label').textContent()).toMatch(/radius|perimeter|area/);
    await page.screenshot({ path: join(screenshots, 'importance-chart.png') });
  });

  it('profiles every column of the source, with the label’s counts', async () => {
    await studio.select('profile');
    const profile = page.getByTestId('node-inspector').getByTestId('profile-view');
    await profile.waitFor();
    expect(await profile.locator('figcaption').textContent()).toBe('Profile of 569 rows');
    const cards = profile.locator('li.pw-profile');
    expect(await cards.count()).toBe(31);
    const diagnosis = cards.filter({ has: page.locator('strong', { hasText: /^diagnosis$/ }) });
    expect(await diagnosis.textContent()).toContain('benign (357), malignant (212)');
    // Numbers get a histogram.
    const radius = cards.filter({ has: page.locator('strong', { hasText: /^mean radius$/ }) });
    expect(await radius.locator('svg rect').count()).toBe(10);
    await page.screenshot({ path: join(screenshots, 'profile-view.png') });
  });
});
