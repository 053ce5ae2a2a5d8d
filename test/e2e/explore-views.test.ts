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

/** The penguins, sampled and explored: correlations against the species, and a scatter coloured by it. */
function explorePipeline() {
  const at = (x: number, y: number) => ({ x: x * 280, y: y * 200 });
  return {
    format: 'pipewright/v1',
    name: 'Penguins — explore',
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/penguins.csv' }, position: at(0, 0) },
      { id: 'sample', type: 'sample.rows', params: { rows: 300, stratify: 'species' }, position: at(1, 0) },
      { id: 'correlation', type: 'explore.correlation', params: { label: 'species' }, position: at(2, 0) },
      {
        id: 'scatter',
        type: 'explore.scatter',
        params: { x: 'flipper_length_mm', y: 'body_mass_g', color: 'species', sample: 200 },
        position: at(2, 1),
      },
    ],
    edges: [
      { from: 'source.out', to: 'sample.in' },
      { from: 'sample.out', to: 'correlation.in' },
      { from: 'sample.out', to: 'scatter.in' },
    ],
  };
}

describe('exploring a table: the correlation heatmap and a brushed scatter', () => {
  let session: StudioSession | undefined;
  let page: Page;
  let studio: StudioPage;
  screenshotFailedTests(() => session?.page);

  beforeAll(async () => {
    session = await openStudioSession();
    ({ page, studio } = session);
    const call = await adminApi(session.server);
    const { id } = (await call('POST', '/pipelines', explorePipeline())) as { id: string };
    await page.goto(`${session.server.url}/#/pipelines/${id}`);
    await studio.canvas().waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
  }, 300_000);
  afterAll(() => closeStudioSession(session ?? {}));

  it('says how many rows the sample kept of how many', async () => {
    await studio.select('sample');
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByTestId('inspector-metric-rowsKept').waitFor();
    expect(await inspector.getByTestId('inspector-metric-rowsKept').textContent()).toContain('300');
    expect(await inspector.getByTestId('inspector-metric-rowsOf').textContent()).toContain('344');
  });

  it('draws the correlation matrix as a heatmap with each value on hover', async () => {
    await studio.select('correlation');
    const view = page.getByTestId('node-inspector').getByTestId('correlation-view');
    await view.waitFor();
    expect(await view.locator('figcaption').textContent()).toContain('all 300 rows');
    const heatmap = view.getByTestId('correlation-heatmap');
    expect(await heatmap.locator('tbody tr').count()).toBe(4);
    const cell = heatmap.locator('td[title^="flipper_length_mm × body_mass_g"]');
    expect(await cell.getAttribute('title')).toMatch(/pearson 0\.8\d\d, spearman 0\.8\d\d/);
    await cell.hover();
    expect(await view.getByTestId('correlation-strongest').locator('li').first().textContent()).toContain(
      'flipper_length_mm × body_mass_g',
    );
    // Against the species: island and the measurements, each with Cramér's V.
    expect(await view.getByTestId('correlation-label').locator('li').count()).toBe(6);
    await page.screenshot({ path: join(screenshots, 'correlation-heatmap.png') });
    await view.getByRole('button', { name: 'Spearman' }).click();
    expect(await heatmap.getAttribute('data-method')).toBe('spearman');
  });

  it('draws the sampled points coloured by species, and lists the rows of a brushed region', async () => {
    await studio.select('scatter');
    const view = page.getByTestId('node-inspector').getByTestId('scatter-view');
    await view.waitFor();
    expect(await view.getByTestId('scatter-sample').textContent()).toContain(
      '200 points: a seeded sample of 200 of 300 rows',
    );
    const chart = view.getByTestId('scatter-chart');
    // Two of the sampled penguins were not measured: their points are not drawn, and the caption says so.
    expect(await view.getByTestId('scatter-sample').textContent()).toContain('(2 with a missing value not drawn)');
    expect(Number(await chart.getAttribute('data-points'))).toBe(198);
    // Drag over the upper right of the plot: the long-flippered, heavy penguins (Gentoo).
    const over = chart.locator('.u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.05);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.98, box.y + box.height * 0.45, { steps: 8 });
    await page.mouse.up();
    const selection = view.getByTestId('scatter-selection');
    await selection.waitFor();
    const rows = selection.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(5);
    const species = await rows.locator('td:nth-child(4)').allTextContents();
    expect(species.every((name) => name === 'Gentoo')).toBe(true);
    await page.screenshot({ path: join(screenshots, 'scatter-brushed.png') });
  });
});
