import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import { repoRoot, type RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

/** Node borders: green for succeeded or cached, red for failed (the studio's --pw-success and --pw-danger). */
const GREEN = 'rgb(22, 163, 74)';
const RED = 'rgb(220, 38, 38)';
/** The trainer a new user picks for the first pipeline. */
const TRAINER = 'train.mlp';

describe('the studio, against the real server', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];

  beforeAll(async () => {
    ({ server, browser, page, studio, pageErrors } = await openStudioSession());
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('shows a newcomer the example pipeline, which opens with one click', async () => {
    await page.goto(`${server.url}/`);
    const example = page.getByRole('link', { name: /Breast cancer/ });
    await example.waitFor();
    await example.click();
    await studio.node('train').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(6);
    expect(await page.getByLabel('Pipeline name').inputValue()).toMatch(/Breast cancer/);
    await page.screenshot({ path: join(screenshots, 'example-pipeline.png') });
  });

  it('refuses to connect a model output to a table input, and says why where the user is looking', async () => {
    await studio.newPipeline(server.url);
    await studio.dragFromPalette('train.logistic', { x: 220, y: 200 });
    await studio.dragFromPalette('evaluate.classification', { x: 620, y: 360 });
    await studio.node('evaluate_classification').waitFor();

    const reason = 'train_logistic.model gives a model but evaluate_classification.in takes a table';
    await studio.hoverConnection('train_logistic.model', 'evaluate_classification.in');
    expect(await page.getByTestId('connection-hint').textContent()).toBe(reason);
    await page.mouse.up();

    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Connection refused');
    expect(await notice.textContent()).toContain(reason);
    expect(await studio.edgeCount()).toBe(0);
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(screenshots, 'connection-refused.png') });
  });

  it('refuses to run a pipeline with problems, and shows each on its node', async () => {
    await studio.newPipeline(server.url);
    // A double-click on a palette item adds the node too.
    await page.getByTestId('palette-train.logistic').dblclick();
    await studio.node('train_logistic').waitFor();
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    const notice = page.getByTestId('notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Fix 2 problems before running');
    const issues = page.getByTestId('issues-train_logistic');
    await issues.waitFor();
    expect(await issues.textContent()).toContain('label: required');
    expect(await issues.textContent()).toContain('input "in" (table) is not connected');
    expect(await page.getByTestId('run-status').count()).toBe(0);
  });

  it('shows a node that fails in red with the reason, and the run as failed', async () => {
    await studio.newPipeline(server.url);
    await studio.dragFromPalette('source.csv', { x: 300, y: 250 });
    await studio.fillParam('path', 'data/no_such_file.csv');
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    await page.locator('[data-testid="run-status"][data-status="failed"]').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('status-source_csv').getAttribute('data-status')).toBe('failed');
    await expect.poll(() => studio.borderColour('source_csv')).toBe(RED);
    expect(await studio.node('source_csv').getByTestId('node-error').textContent()).toContain('no_such_file.csv');
    expect(await page.getByTestId('run-status').textContent()).toContain('source_csv');
    await page.screenshot({ path: join(screenshots, 'node-failed.png') });
  });

  it('a new user uploads a CSV, builds upload → clean → split → MLP → score → evaluate by mouse, runs it, and watches the loss curve grow', async () => {
    await studio.newPipeline(server.url);
    await page.getByLabel('Pipeline name').fill('Breast cancer, built by hand');

    await studio.dragFromPalette('source.csv', { x: 150, y: 130 });
    await studio.uploadDataset(join(repoRoot, 'examples', 'data', 'breast_cancer.csv'));
    expect(await page.getByTestId('node-inspector').getByTestId('param-path').inputValue()).toMatch(
      /^breast_cancer-[0-9a-f]{8}\.csv$/,
    );
    await studio.dragFromPalette('clean.missing', { x: 480, y: 130 });
    await studio.dragFromPalette('split.random', { x: 810, y: 130 });
    await studio.dragFromPalette(TRAINER, { x: 150, y: 460 });
    await studio.fillParam('label', 'diagnosis');
    // Long enough (no early stop) that the curve is seen growing over a few seconds, not delivered in one burst.
    await studio.fillParam('epochs', '200');
    await studio.fillParam('patience', '200');
    await studio.dragFromPalette('evaluate.score', { x: 480, y: 460 });
    await studio.dragFromPalette('evaluate.classification', { x: 810, y: 460 });
    await studio.fillParam('label', 'diagnosis');

    const train = TRAINER.replace('.', '_');
    const ids = ['source_csv', 'clean_missing', 'split_random', train, 'evaluate_score', 'evaluate_classification'];
    for (const id of ids) await studio.node(id).waitFor();

    await studio.connect('source_csv.out', 'clean_missing.in');
    await studio.connect('clean_missing.out', 'split_random.in');
    await studio.connect('split_random.train', `${train}.in`);
    await studio.connect(`${train}.model`, 'evaluate_score.model');
    await studio.connect('split_random.test', 'evaluate_score.in');
    await studio.connect('evaluate_score.out', 'evaluate_classification.in');
    expect(await studio.edgeCount()).toBe(6);

    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('pipeline-version').waitFor();
    expect(await page.getByTestId('pipeline-version').textContent()).toBe('v1');
    expect(await page.getByTestId('save-state').textContent()).toContain('Saved');
    expect(page.url()).toMatch(/#\/pipelines\/[^/]+$/);

    // With the trainer selected, its loss curve is drawn in the inspector as the epochs come in.
    await studio.select(train);
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { lossPointsSeen: number[] }).lossPointsSeen = seen;
      // Every render of the chart, as it happens.
      new MutationObserver(() => {
        const points = Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points') ?? 0);
        if (points !== seen.at(-1)) seen.push(points);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
    });
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByTestId('run-status').waitFor();
    const runStatus = page.getByTestId('run-status');
    await studio.waitForRunToEnd();
    expect(await runStatus.getAttribute('data-status'), `${await runStatus.textContent()}\n${server.output()}`).toBe(
      'succeeded',
    );
    for (const id of ids) {
      expect(['succeeded', 'cached'], id).toContain(await page.getByTestId(`status-${id}`).getAttribute('data-status'));
      await expect.poll(() => studio.borderColour(id), { message: id }).toBe(GREEN);
    }

    const seen = await page.evaluate(() => (window as unknown as { lossPointsSeen: number[] }).lossPointsSeen);
    const drawn = seen.filter((points) => points > 0);
    expect(drawn.length, `loss chart point counts seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    expect(await page.getByTestId('loss-chart').textContent()).toContain('val loss');
    await page.screenshot({ path: join(screenshots, 'loss-curve.png') });
    // After a run the column pickers offer the columns of the table coming in.
    await page.getByTestId('node-inspector').getByTestId('param-label').click();
    await page.getByTestId('node-inspector').getByTestId('column-option-mean radius').waitFor();
    await page.keyboard.press('Escape');

    // The data at a table port: the first rows in a grid and a profile of each column.
    await studio.select('split_random');
    await page.getByRole('button', { name: 'Preview split_random.test' }).click();
    const preview = page.getByTestId('data-preview');
    await preview.getByTestId('preview-grid').waitFor();
    expect(await preview.locator('h2').textContent()).toContain('of 114 rows');
    expect(await preview.getByTestId('profile-diagnosis').textContent()).toMatch(/0% missing · 2 distinct/);
    expect(await preview.locator('[role="row"]').count()).toBeGreaterThan(10);
    await page.screenshot({ path: join(screenshots, 'data-preview.png') });
    await preview.getByRole('button', { name: 'Close' }).click();

    const accuracy = studio.node('evaluate_classification').getByTestId('metric-accuracy').locator('dd');
    expect(Number(await accuracy.textContent())).toBeGreaterThanOrEqual(0.9);

    await studio.select('evaluate_classification');
    const matrix = page.getByTestId('confusion-matrix');
    await matrix.waitFor();
    expect(await matrix.locator('tbody tr').count()).toBe(2);
    await page.getByTestId('roc-chart').waitFor();
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(screenshots, 'build-and-run.png') });

    // The runs page lists the run with its headline metric.
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    const runs = page.getByTestId('runs-table');
    await runs.waitFor();
    expect(await runs.locator('tbody tr').count()).toBe(1);
    expect(await runs.locator('tbody tr').textContent()).toMatch(/Succeeded.*accuracy 0\.9\d/);
    await page.screenshot({ path: join(screenshots, 'runs.png') });
    expect(pageErrors).toEqual([]);
  });
});
