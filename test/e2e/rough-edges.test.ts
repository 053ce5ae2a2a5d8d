import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import type { RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import {
  adminApi,
  canvasZoom,
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

/**
 * Twelve nodes as a user lays them out, left to right in rows 170 px apart: two trainers on breast
 * cancer, each scored and evaluated, with a profile first in the file and a deploy node.
 */
function twelveNodePipeline(name: string) {
  const node = (id: string, type: string, x: number, y: number, params: object = {}, label?: string) => ({
    id,
    type,
    params,
    position: { x: x * 280, y: y * 170 },
    ...(label ? { label } : {}),
  });
  return {
    format: 'pipewright/v1',
    name,
    params: {},
    nodes: [
      node('profile', 'explore.profile', 1, 1),
      node('source', 'source.csv', 0, 0, { path: 'data/breast_cancer.csv' }),
      node('dedupe', 'clean.duplicates', 1, 0),
      node('split', 'split.random', 2, 0, { seed: 42, stratify: 'diagnosis' }),
      node('impute', 'clean.missing', 3, 0, { strategy: 'median' }),
      node('forest', 'train.forest', 4, 0, { label: 'diagnosis', trees: 15 }),
      node('logistic', 'train.logistic', 4, 1, { label: 'diagnosis' }),
      node('scoreForest', 'evaluate.score', 5, 0),
      node('scoreLogistic', 'evaluate.score', 5, 1),
      node('metricsForest', 'evaluate.classification', 6, 0, { label: 'diagnosis' }, 'Forest metrics'),
      node('metricsLogistic', 'evaluate.classification', 6, 1, { label: 'diagnosis' }),
      node('deploy', 'deploy.service', 5, 2, { name: 'cancer-forest', autoDeploy: false }),
    ],
    edges: [
      { from: 'source.out', to: 'profile.in' },
      { from: 'source.out', to: 'dedupe.in' },
      { from: 'dedupe.out', to: 'split.in' },
      { from: 'split.train', to: 'impute.in' },
      { from: 'impute.out', to: 'forest.in' },
      { from: 'impute.out', to: 'logistic.in' },
      { from: 'forest.model', to: 'scoreForest.model' },
      { from: 'split.test', to: 'scoreForest.in' },
      { from: 'logistic.model', to: 'scoreLogistic.model' },
      { from: 'split.test', to: 'scoreLogistic.in' },
      { from: 'scoreForest.out', to: 'metricsForest.in' },
      { from: 'scoreLogistic.out', to: 'metricsLogistic.in' },
      { from: 'forest.model', to: 'deploy.model' },
    ],
  };
}

/**
 * iris → split → a baseline (train.dummy, always the majority class) and a logistic regression, each scored and
 * evaluated: one model that cannot beat the majority class and one that does.
 */
function baselinePipeline(name: string, seed = 3) {
  const node = (id: string, type: string, x: number, y: number, params: object = {}) => ({
    id,
    type,
    params,
    position: { x: x * 280, y: y * 170 },
  });
  return {
    format: 'pipewright/v1',
    name,
    params: {},
    nodes: [
      node('source', 'source.csv', 0, 0, { path: 'data/iris.csv' }),
      node('split', 'split.random', 1, 0, { seed }),
      node('dummy', 'train.dummy', 2, 0, { label: 'species' }),
      node('logistic', 'train.logistic', 2, 1, { label: 'species' }),
      node('scoreDummy', 'evaluate.score', 3, 0),
      node('scoreLogistic', 'evaluate.score', 3, 1),
      node('metricsDummy', 'evaluate.classification', 4, 0, { label: 'species' }),
      node('metricsLogistic', 'evaluate.classification', 4, 1, { label: 'species' }),
    ],
    edges: [
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'dummy.in' },
      { from: 'split.train', to: 'logistic.in' },
      { from: 'dummy.model', to: 'scoreDummy.model' },
      { from: 'split.test', to: 'scoreDummy.in' },
      { from: 'logistic.model', to: 'scoreLogistic.model' },
      { from: 'split.test', to: 'scoreLogistic.in' },
      { from: 'scoreDummy.out', to: 'metricsDummy.in' },
      { from: 'scoreLogistic.out', to: 'metricsLogistic.in' },
    ],
  };
}

/** Pairs of nodes on the canvas whose boxes overlap, as `a × b`. */
async function overlappingNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((element) => ({
      id: element.dataset.id ?? '?',
      box: element.getBoundingClientRect(),
    }));
    const found: string[] = [];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.box.right <= b.box.left ||
          b.box.right <= a.box.left ||
          a.box.bottom <= b.box.top ||
          b.box.bottom <= a.box.top;
        if (!apart) found.push(`${a.id} × ${b.id}`);
      }
    }
    return found;
  });
}

/** Runs a saved pipeline through the API and waits for it to succeed. */
async function savedAndRunExisting(call: AdminApi, pipelineId: string): Promise<void> {
  const run = (await call('POST', `/pipelines/${pipelineId}/runs`, {})) as { id: string };
  for (let i = 0; i < 960; i++) {
    const document = (await call('GET', `/runs/${run.id}`)) as { status: string };
    if (document.status === 'succeeded') return;
    if (document.status === 'failed' || document.status === 'cancelled')
      throw new Error(`the run ended ${document.status}: ${JSON.stringify(document)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the run did not end within 4 minutes');
}

/** Saves a pipeline through the API, runs it and waits for the run to succeed; answers the pipeline id. */
async function savedAndRun(call: AdminApi, file: object): Promise<string> {
  const pipeline = (await call('POST', '/pipelines', file)) as { id: string };
  await savedAndRunExisting(call, pipeline.id);
  return pipeline.id;
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
    await expect.poll(() => inspector.getByTestId('column-option-petal width (cm)').count()).toBe(0);
    await features.fill('petal_ratio');
    await features.press('Enter');
    await expect
      .poll(() => inspector.locator('[data-testid^="chip-"]').allTextContents())
      .toEqual(['petal length (cm)num×', 'petal width (cm)num×', 'petal_ratio×']);
    expect(await inspector.getByTestId('column-not-upstream').textContent()).toContain(
      '"petal_ratio" is not a column of the input table',
    );
    await page.screenshot({ path: join(screenshots, 'column-picker.png') });
    await inspector.getByRole('button', { name: 'Remove petal_ratio' }).click();
    // By keyboard: type, arrow down to the first match, Enter.
    await features.fill('sep');
    await features.press('ArrowDown');
    await features.press('Enter');
    await expect
      .poll(() => inspector.locator('[data-testid^="chip-"]').allTextContents())
      .toEqual(['petal length (cm)num×', 'petal width (cm)num×', 'sepal length (cm)num×']);
    await studio.canvas().click({ position: { x: 700, y: 700 } });

    const file = JSON.parse(await studio.exportFile()) as { nodes: { id: string; params: Record<string, unknown> }[] };
    expect(file.nodes.find((node) => node.id === 'split')?.params.stratify).toBe('species');
    expect(file.nodes.find((node) => node.id === 'train')?.params.features).toEqual([
      'petal length (cm)',
      'petal width (cm)',
      'sepal length (cm)',
    ]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps every node its size through a run of twelve nodes, and viewing results changes nothing', async () => {
    const created = (await call('POST', '/pipelines', twelveNodePipeline('Twelve nodes'))) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('metricsLogistic').waitFor();
    const before = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((e) => e.offsetHeight),
    );
    expect(await overlappingNodes(page)).toEqual([]);
    // Opened, and after the fit-view button, the canvas is zoomed no further out than is readable.
    expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
    await page.locator('.react-flow__controls-fitview').click();
    expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
    await expect.poll(() => studio.node('source').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    await studio.node('metricsForest').getByTestId('metric-accuracy').waitFor();
    // Same heights as before the run: results sit in a foot that reserves its space.
    const after = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((e) => e.offsetHeight),
    );
    expect(after).toEqual(before);
    expect(await overlappingNodes(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'twelve-node-run.png') });

    // Looking at results (selecting nodes, their details in the inspector) is no edit.
    for (const id of ['metricsForest', 'forest', 'split']) await studio.select(id);
    await page.getByTestId('node-inspector').getByText('Last run').first().waitFor();
    expect(await page.getByTestId('save-state').textContent()).toContain('Saved');
    expect(pageErrors).toEqual([]);
  });

  it('headlines the first evaluation’s metric on the Runs page, and compares by node label and trainer', async () => {
    const created = (await call('POST', '/pipelines', twelveNodePipeline('Runs page'))) as { id: string };
    for (const seed of [42, 7]) {
      const file = twelveNodePipeline('Runs page');
      file.nodes.find((node) => node.id === 'split')!.params = { seed, stratify: 'diagnosis' };
      await call('PUT', `/pipelines/${created.id}`, file);
      await savedAndRunExisting(call, created.id);
    }
    await page.goto(`${server.url}/#/pipelines/${created.id}/runs`);
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    for (const text of await rows.allTextContents()) {
      expect(text).toMatch(/accuracy 0\.\d+/);
      expect(text).not.toMatch(/columns/);
    }
    await page.getByRole('checkbox').nth(0).check();
    await page.getByRole('checkbox').nth(1).check();
    const metrics = page.getByRole('table', { name: 'Metrics' });
    await metrics.waitFor();
    const labels = await metrics.locator('tbody th').allTextContents();
    expect(labels).toContain('Forest metrics · forest (Random forest) — accuracy');
    expect(labels).toContain('metricsLogistic · logistic (Logistic regression) — accuracy');
    await page.screenshot({ path: join(screenshots, 'runs-compare.png') });
  });

  it('shows every classification’s majority-class baseline and flags the model that does not beat it, on the node, in the inspector and in the Runs compare', async () => {
    const created = (await call('POST', '/pipelines', baselinePipeline('Honest results'))) as { id: string };
    await savedAndRunExisting(call, created.id);
    await call('PUT', `/pipelines/${created.id}`, baselinePipeline('Honest results', 11));
    await savedAndRunExisting(call, created.id);
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();

    // On the canvas: the baseline's evaluation is flagged, the logistic regression's is not.
    const flag = page.getByTestId('baseline-flag-metricsDummy');
    await flag.waitFor();
    expect(await flag.textContent()).toContain('not above baseline');
    expect(await flag.getAttribute('title')).toMatch(
      /does not beat the majority-class baseline 0\.\d+ \(always answering “\w+”\)/,
    );
    expect(await page.getByTestId('baseline-flag-metricsLogistic').count()).toBe(0);
    expect(await overlappingNodes(page)).toEqual([]);

    // In the inspector: the baseline figure beside the model's, and the verdict.
    await studio.select('metricsDummy');
    const inspector = page.getByTestId('node-inspector');
    const verdict = inspector.getByTestId('baseline-verdict');
    expect(await verdict.textContent()).toMatch(/^Accuracy 0\.\d+ does not beat the majority-class baseline 0\.\d+/);
    expect(await inspector.getByTestId('inspector-metric-baselineAccuracy').textContent()).toMatch(
      /^Baseline accuracy0\.\d+$/,
    );
    await page.screenshot({ path: join(screenshots, 'baseline-flag.png') });
    await studio.select('metricsLogistic');
    expect(await verdict.textContent()).toMatch(/^Accuracy 0\.\d+ beats the majority-class baseline 0\.\d+/);

    // On the Runs page: the headline and the compared accuracy of the baseline model carry the flag.
    await page.goto(`${server.url}/#/pipelines/${created.id}/runs`);
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('checkbox').nth(0).check();
    await page.getByRole('checkbox').nth(1).check();
    const metrics = page.getByRole('table', { name: 'Metrics' });
    await metrics.waitFor();
    const dummyRow = metrics.locator('tbody tr', { hasText: 'metricsDummy · dummy (Baseline (dummy)) — accuracy' });
    expect(await dummyRow.getByTestId('compare-baseline-flag').count()).toBe(2);
    const logisticRow = metrics.locator('tbody tr', {
      hasText: 'metricsLogistic · logistic (Logistic regression) — accuracy',
    });
    expect(await logisticRow.getByTestId('compare-baseline-flag').count()).toBe(0);
    expect(await metrics.locator('tbody th', { hasText: '— baselineAccuracy' }).count()).toBe(2);
    await page.screenshot({ path: join(screenshots, 'baseline-compare.png') });
    expect(pageErrors).toEqual([]);
  });

  it('warns on a fitted node placed before the split, and its one-click fix fits it on the train side and applies it to the test side', async () => {
    const node = (id: string, type: string, x: number, y: number, params: object = {}) => ({
      id,
      type,
      params,
      position: { x: x * 280, y: y * 170 },
    });
    const created = (await call('POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'Leaky scaling',
      params: {},
      nodes: [
        node('source', 'source.csv', 0, 0, { path: 'data/penguins.csv' }),
        node('impute', 'clean.missing', 1, 0, { strategy: 'median' }),
        node('split', 'split.random', 2, 0, { seed: 5 }),
        node('train', 'train.logistic', 3, 0, { label: 'species' }),
        node('score', 'evaluate.score', 4, 0),
        node('metrics', 'evaluate.classification', 5, 0, { label: 'species' }),
      ],
      edges: [
        { from: 'source.out', to: 'impute.in' },
        { from: 'impute.out', to: 'split.in' },
        { from: 'split.train', to: 'train.in' },
        { from: 'train.model', to: 'score.model' },
        { from: 'split.test', to: 'score.in' },
        { from: 'score.out', to: 'metrics.in' },
      ],
    })) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('metrics').waitFor();

    // The warning is on the node, and the inspector explains it.
    const warning = studio.node('impute').getByTestId('leak-impute');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Learns from test rows');
    expect(await warning.getAttribute('title')).toContain(
      'learns from every row before the split “split”, the test rows included',
    );
    expect(await studio.node('train').getByTestId('leak-train').count()).toBe(0);
    await studio.select('impute');
    expect(await page.getByTestId('node-inspector').getByTestId('leak-warning').textContent()).toContain(
      'Fit it on the train side and apply it to the test side.',
    );
    await page.screenshot({ path: join(screenshots, 'leak-warning.png') });

    // One click: the node moves after the split, a transform.apply takes the test side, the warning goes.
    await warning.getByRole('button', { name: 'Move after split' }).click();
    await studio.node('transform_apply').waitFor();
    expect(await page.getByTestId('leak-impute').count()).toBe(0);
    const file = JSON.parse(await studio.exportFile()) as { edges: { from: string; to: string }[] };
    expect(file.edges.map((edge) => `${edge.from} → ${edge.to}`).sort()).toEqual(
      [
        'source.out → split.in',
        'split.train → impute.in',
        'impute.out → train.in',
        'impute.transform → transform_apply.transform',
        'split.test → transform_apply.in',
        'transform_apply.out → score.in',
        'train.model → score.model',
        'score.out → metrics.in',
      ].sort(),
    );
    expect(await overlappingNodes(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'leak-fixed.png') });

    // The mended pipeline runs, and the apply node imputes the test rows with what the train side learned.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    await studio.node('metrics').getByTestId('metric-accuracy').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('refuses to run a pipeline with problems without saving it', async () => {
    const before = (await call('GET', '/pipelines?limit=200')) as { total: number };
    await studio.newPipeline(server.url);
    await page.getByTestId('palette-train.logistic').dblclick();
    await studio.node('train_logistic').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Fix 2 problems before running');
    expect(page.url()).toMatch(/#\/pipelines\/new$/);
    const after = (await call('GET', '/pipelines?limit=200')) as { total: number };
    expect(after.total).toBe(before.total);
    expect(await page.getByTestId('save-state').textContent()).not.toContain('Saved');
  });

  it('draws the refused-connection hint above every node, the target included', async () => {
    await studio.newPipeline(server.url);
    await studio.dragFromPalette('train.logistic', { x: 220, y: 200 });
    await studio.dragFromPalette('evaluate.classification', { x: 620, y: 230 });
    await studio.node('evaluate_classification').waitFor();
    await studio.hoverConnection('train_logistic.model', 'evaluate_classification.in');
    const hint = page.getByTestId('connection-hint');
    await hint.waitFor();
    const box = (await hint.boundingBox())!;
    const targetBox = (await studio.node('evaluate_classification').boundingBox())!;
    // The hint lies over the target node…
    expect(box.x).toBeLessThan(targetBox.x + targetBox.width);
    expect(box.y + box.height / 2).toBeGreaterThan(targetBox.y);
    // …and is what the user sees there, not the node.
    // (The hint lets the pointer through; hit-testing it means taking that off for a moment.)
    const onTop = await page.evaluate(
      ([x, y]) => {
        const element = document.querySelector<HTMLElement>('[data-testid="connection-hint"]')!;
        element.style.pointerEvents = 'auto';
        const hit = document.elementFromPoint(x, y)?.closest('[data-testid="connection-hint"]') === element;
        element.style.pointerEvents = '';
        return hit;
      },
      [box.x + box.width * 0.25, box.y + box.height / 2],
    );
    expect(onTop).toBe(true);
    await page.screenshot({ path: join(screenshots, 'connection-hint.png') });
    await page.mouse.up();
  });

  it('lays the example out in rows read left to right: a connection runs right or down, never up or back, and never behind a node', async () => {
    await page.goto(`${server.url}/`);
    await page
      .getByRole('link', { name: /Breast cancer/ })
      .first()
      .click();
    await studio.node('metrics').waitFor();
    const file = JSON.parse(await studio.exportFile()) as { edges: { from: string; to: string }[] };
    for (const edge of file.edges) {
      const from = (await studio.node(edge.from.split('.')[0]).boundingBox())!;
      const to = (await studio.node(edge.to.split('.')[0]).boundingBox())!;
      // Seven steps in a chain do not fit the canvas side by side at a legible zoom: they wrap, as lines of text do.
      const right = from.x + from.width < to.x;
      const down = to.y > from.y + from.height;
      expect(right || down, `${edge.from} → ${edge.to}`).toBe(true);
    }
    expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
    // A wrapped connection runs along the gap between the rows, as a line of text wraps: no drawn connection
    // passes behind a node, not even behind the two it joins away from its ends.
    const crossings = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].map((node) => ({
        id: node.dataset.id ?? '',
        box: node.getBoundingClientRect(),
      }));
      const found: string[] = [];
      for (const edge of document.querySelectorAll<SVGGElement>('g.react-flow__edge')) {
        const path = edge.querySelector<SVGPathElement>('path.react-flow__edge-path');
        const matrix = path?.getScreenCTM();
        if (!path || !matrix) continue;
        const length = path.getTotalLength();
        const point = (at: number) => {
          const local = path.getPointAtLength(at);
          return new DOMPoint(local.x, local.y).matrixTransform(matrix);
        };
        const [start, end] = [point(0), point(length)];
        for (let at = 0; at <= length; at += 4) {
          const here = point(at);
          // Near its ends a connection meets its handles, on the border of its nodes.
          if (Math.hypot(here.x - start.x, here.y - start.y) < 24 || Math.hypot(here.x - end.x, here.y - end.y) < 24) {
            continue;
          }
          const behind = boxes.find(
            ({ box }) => here.x > box.left && here.x < box.right && here.y > box.top && here.y < box.bottom,
          );
          if (behind) {
            found.push(`${edge.dataset.id} runs behind ${behind.id}`);
            break;
          }
        }
      }
      return found;
    });
    expect(crossings).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'example-left-to-right.png') });
  });
});
