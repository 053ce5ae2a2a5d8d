import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import { repoRoot, type RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

const iris = join(repoRoot, 'test', 'fixtures', 'data', 'iris.csv');
const penguins = join(repoRoot, 'test', 'fixtures', 'data', 'penguins.csv');

describe('datasets, pipeline names, node notes, cancelling, re-running and comparing runs', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let scratch: string;
  /** The path the uploaded iris.csv goes by, once the first test has uploaded it. */
  let irisPath = '';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'pipewright-e2e-files-'));
    // 64 KB: the fixtures fit, a 100 KB file does not.
    ({ server, browser, page, studio } = await openStudioSession({
      serverEnv: { PIPEWRIGHT_UPLOAD_LIMIT_MB: String(64 / 1024) },
    }));
  });
  screenshotFailedTests(() => page);
  afterAll(async () => {
    await closeStudioSession({ server, browser });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const uploadOnDatasetsPage = async (path: string) => {
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload…' }).click();
    await (await chooser).setFiles(path);
  };

  it('lists uploaded datasets with format, size, date and path; shows upload progress, the size limit, and deletes', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    await page.getByText('No datasets yet').waitFor();
    // What an upload may be shows before a file is picked, with the server's limit.
    const limit = page.getByTestId('upload-limit');
    expect(await limit.textContent()).toBe('CSV or Parquet, up to 64 KB');
    expect(await limit.isVisible()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'datasets-page-empty.png') });
    await page.evaluate(() => {
      const seen = { progress: false };
      Object.assign(window, { uploadSeen: seen });
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="upload-progress"] progress')) seen.progress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });

    await uploadOnDatasetsPage(iris);
    const table = page.getByRole('table', { name: 'Datasets' });
    const irisRow = table.getByRole('row').filter({ hasText: 'iris.csv' });
    await irisRow.waitFor();
    expect(await page.evaluate(() => (window as unknown as { uploadSeen: { progress: boolean } }).uploadSeen)).toEqual({
      progress: true,
    });
    const cells = await irisRow.getByRole('cell').allTextContents();
    irisPath = cells[4];
    expect(irisPath).toMatch(/^iris-[0-9a-f]{8}\.csv$/);
    expect(cells.slice(0, 4)).toEqual(['iris.csv', 'CSV', '3.8 KB', 'just now']);

    // A file over the limit is refused at once in the browser: nothing is sent.
    const big = join(scratch, 'big.csv');
    writeFileSync(big, `a,b\n${'1,2\n'.repeat(25_000)}`);
    const uploadsSent: string[] = [];
    const countUploads = (request: Request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/datasets')
        uploadsSent.push(request.url());
    };
    page.on('request', countUploads);
    await uploadOnDatasetsPage(big);
    const refusal = page.getByTestId('upload-error');
    await refusal.waitFor();
    page.off('request', countUploads);
    expect(await refusal.textContent()).toBe(
      'Could not upload big.csv: the file (97.7 KB) is larger than the upload limit of 64 KB',
    );
    expect(uploadsSent).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'datasets-page.png') });

    await uploadOnDatasetsPage(penguins);
    const penguinsRow = table.getByRole('row').filter({ hasText: 'penguins.csv' });
    await penguinsRow.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await penguinsRow.getByRole('button', { name: 'Delete penguins.csv' }).click();
    await penguinsRow.waitFor({ state: 'detached' });
    await page.reload();
    await irisRow.waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
  });

  it('renames a pipeline from the list, as a new version', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('button', { name: /^Rename Breast cancer/ }).click();
    const form = page.getByRole('form', { name: /^Rename Breast cancer/ });
    await form.getByLabel('New name').fill('Breast cancer, tuned');
    await form.getByLabel('New name').press('Enter');
    await form.waitFor({ state: 'detached' });
    const card = page.getByRole('link', { name: /Breast cancer, tuned/ });
    expect(await card.textContent()).toContain('v2');
    await page.screenshot({ path: join(screenshots, 'pipeline-renamed.png') });
    await page.reload();
    await card.click();
    await studio.node('train').waitFor();
    expect(await page.getByLabel('Pipeline name').inputValue()).toBe('Breast cancer, tuned');
  });

  it('names a node and keeps notes on it in the pipeline file, each undoable', async () => {
    await studio.newPipeline(server.url);
    await studio.dragFromPalette('source.csv', { x: 300, y: 250 });
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByLabel('Name').fill('Iris flowers');
    await inspector.getByLabel('Notes').fill('Fisher, 1936: three species');
    expect(await studio.node('source_csv').locator('.pw-node__title').textContent()).toBe('Iris flowers');
    expect(await page.getByTestId('notes-source_csv').textContent()).toBe('Fisher, 1936: three species');

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await page.getByTestId('notes-source_csv').waitFor({ state: 'detached' });
    expect(await inspector.getByLabel('Notes').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    expect(await inspector.getByLabel('Notes').inputValue()).toBe('Fisher, 1936: three species');

    const file = JSON.parse(await studio.exportFile()) as { nodes: { label?: string; notes?: string }[] };
    expect(file.nodes[0]).toMatchObject({ label: 'Iris flowers', notes: 'Fisher, 1936: three species' });
    await page.screenshot({ path: join(screenshots, 'node-notes.png') });
  });

  it('shows why a node failed; after the param is fixed, "Re-run from here" runs it again', async () => {
    // The node from the last test, reading a file that is not there.
    await studio.fillParam('path', 'iris_typo.csv');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="failed"]').waitFor({ timeout: 60_000 });
    const inspector = page.getByTestId('node-inspector');
    const error = inspector.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toContain('iris_typo.csv');

    // The source node's upload picker says the limit too.
    expect(await inspector.getByTestId('upload-limit').textContent()).toBe('CSV or Parquet, up to 64 KB');
    await inspector.getByTestId('dataset-select').selectOption(irisPath);
    expect(await inspector.getByTestId('param-path').inputValue()).toBe(irisPath);
    await inspector.getByRole('button', { name: 'Re-run from here' }).click();
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('status-source_csv').getAttribute('data-status')).toBe('succeeded');
    expect(await inspector.textContent()).toContain('150 rows');
    await page.screenshot({ path: join(screenshots, 'rerun-after-fix.png') });
  });

  it('cancels a running run: the training node and the run bar say cancelled', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('link', { name: /Breast cancer, tuned/ }).click();
    await studio.select('train');
    // The most epochs a logistic regression takes: a minute of training, so the cancel always finds it running
    // (5,000 epochs took 2–4 s, and a slow moment of the machine let it finish first once).
    await studio.fillParam('epochs', '100000');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('[data-testid="status-train"][data-status="running"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel run' }).click();

    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-status').textContent()).toContain('Cancelled');
    await expect.poll(() => page.getByTestId('status-train').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('status-split').getAttribute('data-status')).toBe('succeeded');
    // "Cancelling the run…" goes once the run is cancelled, not after its usual 4 s.
    await page.getByTestId('notice').waitFor({ state: 'detached', timeout: 1500 });
    await page.screenshot({ path: join(screenshots, 'run-cancelled.png') });
  });

  it('compares two runs side by side: the param that changed and both runs’ metrics', async () => {
    // The pipeline from the last test, now with a short training.
    await studio.fillParam('epochs', '20');
    const finished = '[data-testid="run-status"]:is([data-status="succeeded"], [data-status="failed"])';
    const run = async () => {
      const before = await page.getByTestId('run-status').locator('.pw-runbar__id').getAttribute('title');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect
        .poll(() => page.getByTestId('run-status').locator('.pw-runbar__id').getAttribute('title'))
        .not.toBe(before);
      await page.locator(finished).waitFor({ timeout: 120_000 });
      expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    };
    await run();
    await studio.canvas().click({ position: { x: 40, y: 40 } });
    await page.getByLabel('Pipeline param seed').fill('7');
    await run();

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    const runs = page.getByTestId('runs-table');
    await runs.waitFor();
    const succeeded = runs.getByRole('row').filter({ hasText: 'Succeeded' });
    expect(await succeeded.count()).toBe(2);
    await succeeded.nth(0).getByRole('checkbox').check();
    await succeeded.nth(1).getByRole('checkbox').check();

    const comparison = page.getByTestId('run-comparison');
    await comparison.waitFor();
    const params = comparison.getByRole('table', { name: 'Params' });
    expect(await params.getByRole('row').filter({ hasText: 'seed' }).getByRole('cell').allTextContents()).toEqual([
      '7',
      '42',
    ]);
    const accuracy = comparison
      .getByRole('table', { name: 'Metrics' })
      .getByRole('row', { name: /^metrics · .* — accuracy / });
    const values = await accuracy.getByRole('cell').allTextContents();
    expect(
      await comparison
        .getByRole('row', { name: /^metrics · .* — rows / })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual(['114', '114']);
    expect(values).toHaveLength(2);
    expect(
      values.map(Number).every((value) => value >= 0 && value <= 1),
      values.join(' '),
    ).toBe(true);
    await page.screenshot({ path: join(screenshots, 'runs-compared.png') });
  });
});
