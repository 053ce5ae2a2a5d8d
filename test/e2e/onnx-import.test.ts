import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import { repoRoot, type RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

const MEASUREMENTS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];

describe('an imported ONNX model in the studio', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;

  beforeAll(async () => {
    ({ server, browser, page, studio } = await openStudioSession({
      serverEnv: { PIPEWRIGHT_DATA_DIRS: join(repoRoot, 'test/fixtures/models') },
    }));
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('is in the palette under Models with its docs, and its model port connects to evaluate.score', async () => {
    await studio.newPipeline(server.url);
    await page.getByTestId('palette-model.onnx').hover();
    const docs = page.getByTestId('palette-doc-card');
    await docs.waitFor();
    expect(await docs.textContent()).toContain('ONNX model');
    expect(await docs.textContent()).toContain('gives a model on model');
    await studio.dragFromPalette('model.onnx', { x: 150, y: 150 });
    await studio.dragFromPalette('evaluate.score', { x: 550, y: 150 });
    await studio.connect('model_onnx.model', 'evaluate_score.model');
    await expect.poll(() => studio.edgeCount()).toBe(1);
  });

  it('runs a pipeline that scores and evaluates with it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pipewright-e2e-onnx-')), 'onnx-iris.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'pipewright/v1',
        name: 'Imported ONNX iris model',
        params: {},
        nodes: [
          { id: 'source', type: 'source.csv', params: { path: 'data/iris.csv' }, position: { x: 0, y: 0 } },
          {
            id: 'onnx',
            type: 'model.onnx',
            params: {
              path: 'iris-float-input.onnx',
              features: MEASUREMENTS,
              classes: ['setosa', 'versicolor', 'virginica'],
              label: 'species',
            },
            position: { x: 0, y: 200 },
          },
          { id: 'score', type: 'evaluate.score', params: {}, position: { x: 320, y: 80 } },
          { id: 'metrics', type: 'evaluate.classification', params: {}, position: { x: 640, y: 80 } },
        ],
        edges: [
          { from: 'source.out', to: 'score.in' },
          { from: 'onnx.model', to: 'score.model' },
          { from: 'score.out', to: 'metrics.in' },
        ],
      }),
    );
    await studio.importFile(server.url, file);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    const runStatus = page.getByTestId('run-status');
    expect(await runStatus.getAttribute('data-status'), `${await runStatus.textContent()}\n${server.output()}`).toBe(
      'succeeded',
    );
    const accuracy = studio.node('metrics').getByTestId('metric-accuracy').locator('dd');
    // The fixture's hand-set weights get 143 of the 150 flowers right.
    expect(Number(await accuracy.textContent())).toBeCloseTo(143 / 150, 3);
    await page.screenshot({ path: join(screenshots, 'onnx-import.png') });
  });
});
