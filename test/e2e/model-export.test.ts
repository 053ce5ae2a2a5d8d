import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Download, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployingPipeline } from '../integration/example-pipelines.js';
import { repoRoot } from './pipewright-server.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type StudioSession,
} from './studio-session.js';

type Row = Record<string, number>;
interface Answer {
  predictions: string[];
  probabilities: Record<string, number>[];
}

/** The first `count` rows of the example's data as a request carries them: every measurement, no diagnosis. */
function exampleRows(count: number): Row[] {
  const [header, ...lines] = readFileSync(join(repoRoot, 'examples/data/breast_cancer.csv'), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.slice(0, count).map((line) => {
    const values = line.split(',');
    return Object.fromEntries(
      names.flatMap((name, i) => (name === 'diagnosis' ? [] : [[name, Number(values[i])]])),
    ) as Row;
  });
}

/** Clicks a download link and gives the file it saved, with the name the browser offered. */
async function download(link: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [saved] = (await Promise.all([link.page().waitForEvent('download'), link.click()])) as [Download, void];
  return { name: saved.suggestedFilename(), bytes: await readFile((await saved.path())!) };
}

/**
 * Loads the module the way a web page does — served from a site of its own next to its page, imported by the
 * page's script — and answers predict(rows) in the browser.
 */
async function predictInPage(session: StudioSession, module: Buffer, rows: Row[]): Promise<Answer> {
  const page = await session.browser.context.newPage();
  try {
    await page.route('http://models.example/**', (route) =>
      route.request().url().endsWith('.mjs')
        ? route.fulfill({ contentType: 'text/javascript', body: module })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>A page using the model</title>' }),
    );
    await page.goto('http://models.example/');
    // A string, so the test runner's transform leaves the page's own dynamic import alone.
    return (await page.evaluate(
      `import('/model.mjs').then((model) => model.predict(${JSON.stringify(rows)}))`,
    )) as Answer;
  } finally {
    await page.close();
  }
}

/** onnxruntime's labels and probabilities for the rows: one DOUBLE [N, 1] input a column. */
async function scoreOnnx(bytes: Buffer, rows: Row[]): Promise<Answer> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(
    session.inputNames.map((name) => [
      name,
      new ort.Tensor(
        'float64',
        Float64Array.from(rows, (row) => row[name]),
        [rows.length, 1],
      ),
    ]),
  );
  const result = await session.run(feeds);
  const probabilities = result.probabilities.data as Float32Array;
  return {
    predictions: Array.from(result.label.data as ArrayLike<string>),
    probabilities: rows.map((_, i) => ({ benign: probabilities[i * 2], malignant: probabilities[i * 2 + 1] })),
  };
}

function expectSameAnswers(answer: Answer, served: Answer, tolerance: number): void {
  expect(answer.predictions).toEqual(served.predictions);
  answer.probabilities.forEach((p, i) => {
    expect(Math.abs(p.malignant - served.probabilities[i].malignant)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(p.benign - served.probabilities[i].benign)).toBeLessThanOrEqual(tolerance);
  });
}

describe('model downloads: ONNX and a self-contained ES module, from a trainer node and a deployment version', () => {
  let session: StudioSession | undefined;
  let page: Page;
  const rows = exampleRows(60);
  /** What the prediction service answered for `rows`. */
  let served: Answer;
  screenshotFailedTests(() => session?.page);

  beforeAll(async () => {
    session = await openStudioSession();
    page = session.page;
    const call = await adminApi(session.server);
    // The example deploying itself, with a k-nearest-neighbours trainer beside its logistic regression.
    const pipeline = deployingPipeline();
    pipeline.nodes.push({
      id: 'knn',
      type: 'train.knn',
      params: { label: 'diagnosis' },
      // In the example's third row, in view when the pipeline opens (on its left: the deploy node makes it too
      // wide to fit legibly). A node off the view sat under the inspector: clicking it raced React Flow's reset of
      // the scroll Playwright makes to reach it, and the test failed once under load.
      position: { x: 290, y: 380 },
    });
    pipeline.edges.push({ from: 'impute.out', to: 'knn.in' });
    const { id } = (await call('POST', '/pipelines', pipeline)) as { id: string };
    await page.goto(`${session.server.url}/#/pipelines/${id}`);
    await session.studio.canvas().waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await session.studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    // The run deployed the model and shows its API key once; the test keeps it to ask the service.
    const apiKey = (await page.getByTestId('revealed-api-key').textContent())!.trim();
    expect(apiKey).toMatch(/^pwk_/);
    await page.getByRole('button', { name: 'I have kept it' }).click();
    const response = await fetch(`${session.server.url}/api/predict/breast-cancer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ rows }),
    });
    expect(response.status).toBe(200);
    served = (await response.json()) as Answer;
    expect(new Set(served.predictions)).toEqual(new Set(['benign', 'malignant']));
  }, 300_000);
  afterAll(() => closeStudioSession(session ?? {}));

  it('offers both on the trainer node; the ES module predicts in a page as the service does, the ONNX file loads', async () => {
    await session!.studio.select('train');
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByTestId('model-export-esm').waitFor();
    await page.screenshot({ path: join(screenshots, 'model-export-inspector.png') });

    const esm = await download(inspector.getByRole('link', { name: 'Download ES module' }));
    expect(esm.name).toBe('train.mjs');
    expectSameAnswers(await predictInPage(session!, esm.bytes, rows), served, 1e-9);

    const onnx = await download(inspector.getByRole('link', { name: 'Download ONNX' }));
    expect(onnx.name).toBe('train.onnx');
    expectSameAnswers(await scoreOnnx(onnx.bytes, rows), served, 1e-5);
  });

  it('says why a k-nearest-neighbours model has no ONNX form, and still offers its ES module', async () => {
    await session!.studio.select('knn');
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByTestId('model-export-esm').waitFor();
    expect(await inspector.getByTestId('model-export-refusal').textContent()).toMatch(
      /^No ONNX export: .*nearest-neighbours model is its training rows/,
    );
    expect(await inspector.getByTestId('model-export-onnx').count()).toBe(0);
    const esm = await download(inspector.getByRole('link', { name: 'Download ES module' }));
    expect(esm.name).toBe('knn.mjs');
    const answer = await predictInPage(session!, esm.bytes, rows);
    expect(answer.predictions).toHaveLength(rows.length);
    // The nearest neighbours agree with the logistic regression on most of these rows.
    const agreed = answer.predictions.filter((p, i) => p === served.predictions[i]).length;
    expect(agreed).toBeGreaterThan(rows.length * 0.8);
  });

  it('offers both on a deployment version; its files answer as the version serves', async () => {
    await page.goto(`${session!.server.url}/#/deployments`);
    const version = page.getByRole('region', { name: 'Deployment breast-cancer' }).getByTestId('version-1');
    await version.getByTestId('model-export-esm').waitFor();
    await page.screenshot({ path: join(screenshots, 'model-export-deployment.png'), fullPage: true });

    const esm = await download(version.getByRole('link', { name: 'Download ES module' }));
    expect(esm.name).toBe('breast-cancer-v1.mjs');
    expectSameAnswers(await predictInPage(session!, esm.bytes, rows), served, 1e-9);
    const onnx = await download(version.getByRole('link', { name: 'Download ONNX' }));
    expect(onnx.name).toBe('breast-cancer-v1.onnx');
    expectSameAnswers(await scoreOnnx(onnx.bytes, rows), served, 1e-5);
  });
});
