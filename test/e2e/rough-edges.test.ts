import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import type { RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type AdminApi,
} from './studio-session.js';

const IRIS_COLUMNS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)', 'species'];

/** iris → split → logistic regression: small, quick, and every kind of column param has an upstream table. */
function irisPipeline(name: string) {
  return {
    format: 'pipewright/v1',
    name,
    params: {},
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/iris.csv' }, position: { x: 0, y: 0 } },
      { id: 'split', type: 'split.random', params: { seed: 3 }, position: { x: 300, y: 0 } },
      {
        id: 'train',
        type: 'train.logistic',
        params: { label: 'species', epochs: 20 },
        position: { x: 600, y: 0 },
      },
    ],
    edges: [
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'train.in' },
    ],
  };
}

/** Saves a pipeline through the API, runs it and waits for the run to end; answers the pipeline id. */
async function savedAndRun(call: AdminApi, file: object): Promise<string> {
  const pipeline = (await call('POST', '/pipelines', file)) as { id: string };
  const run = (await call('POST', `/pipelines/${pipeline.id}/runs`, {})) as { id: string };
  for (let i = 0; i < 480; i++) {
    const document = (await call('GET', `/runs/${run.id}`)) as { status: string };
    if (document.status === 'succeeded') return pipeline.id;
    if (document.status === 'failed' || document.status === 'cancelled')
      throw new Error(`the run ended ${document.status}: ${JSON.stringify(document)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the run did not end within 2 minutes');
}

describe('the rough edges a new user hits (issue 17)', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  let call: AdminApi;

  beforeAll(async () => {
    ({ server, browser, page, studio, pageErrors } = await openStudioSession());
    await page.setViewportSize({ width: 1440, height: 900 });
    call = await adminApi(server);
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('offers the upstream columns with their types in a picker, a list picker for lists, and still takes a typed name', async () => {
    const id = await savedAndRun(call, irisPipeline('Iris pickers'));
    await page.goto(`${server.url}/#/pipelines/${id}`);
    await studio.node('split').waitFor();
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();

    // One column: the split's stratify lists the source's columns, each with its type.
    await studio.select('split');
    const inspector = page.getByTestId('node-inspector');
    const stratify = inspector.getByTestId('param-stratify');
    await stratify.click();
    const options = inspector.locator('[data-testid^="column-option-"]');
    await expect.poll(() => options.count()).toBe(IRIS_COLUMNS.length);
    expect(await options.allTextContents()).toEqual([
      'sepal length (cm)num',
      'sepal width (cm)num',
      'petal length (cm)num',
      'petal width (cm)num',
      'speciestext',
    ]);
    await stratify.fill('spec');
    await expect.poll(() => options.count()).toBe(1);
    await inspector.getByTestId('column-option-species').click();
    expect(await stratify.inputValue()).toBe('species');
    expect(await inspector.getByTestId('param-stratify-type').textContent()).toBe('text');

    // A list: the trainer's features are picked one after another as chips; a typed name the table lacks is kept, and flagged.
    await studio.select('train');
    const features = inspector.getByTestId('param-features');
    await features.click();
    await inspector.getByTestId('column-option-petal length (cm)').click();
    await inspector.getByTestId('column-option-petal width (cm)').click();
    // Picked columns leave the menu.
    expect(await inspector.getByTestId('column-option-petal width (cm)').count()).toBe(0);
    await features.fill('petal_ratio');
    await features.press('Enter');
    expect(await inspector.locator('[data-testid^="chip-"]').allTextContents()).toEqual([
      'petal length (cm)num×',
      'petal width (cm)num×',
      'petal_ratio×',
    ]);
    expect(await inspector.getByTestId('column-not-upstream').textContent()).toContain(
      '"petal_ratio" is not a column of the input table',
    );
    await page.screenshot({ path: join(screenshots, 'column-picker.png') });
    await inspector.getByRole('button', { name: 'Remove petal_ratio' }).click();
    await studio.canvas().click({ position: { x: 700, y: 700 } });

    const file = JSON.parse(await studio.exportFile()) as { nodes: { id: string; params: Record<string, unknown> }[] };
    expect(file.nodes.find((node) => node.id === 'split')?.params.stratify).toBe('species');
    expect(file.nodes.find((node) => node.id === 'train')?.params.features).toEqual([
      'petal length (cm)',
      'petal width (cm)',
    ]);
    expect(pageErrors).toEqual([]);
  });
});
