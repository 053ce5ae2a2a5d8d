import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StudioBrowser } from './chromium.js';
import { largePipeline } from './large-pipeline.js';
import type { RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import { closeStudioSession, openStudioSession, screenshotFailedTests, screenshots } from './studio-session.js';

interface PipelineFileShape {
  nodes: { id: string; type: string; params: Record<string, unknown> }[];
  edges: { from: string; to: string }[];
}

describe('editing in the studio: history, clipboard, files, a big canvas', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  const files = mkdtempSync(join(tmpdir(), 'pipewright-e2e-files-'));

  beforeAll(async () => {
    ({ server, browser, page, studio, pageErrors } = await openStudioSession());
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  /** Three nodes, two edges and a param: a document with something of each kind in it. */
  async function buildSmallPipeline(): Promise<void> {
    await studio.newPipeline(server.url);
    await studio.dragFromPalette('source.csv', { x: 150, y: 150 });
    await studio.fillParam('path', 'iris.csv');
    await studio.dragFromPalette('clean.missing', { x: 500, y: 150 });
    await studio.dragFromPalette('split.random', { x: 850, y: 150 });
    await studio.fillParam('seed', '7');
    await studio.connect('source_csv.out', 'clean_missing.in');
    await studio.connect('clean_missing.out', 'split_random.in');
    // Leave the fields: the shortcuts below are the canvas's, not a text field's.
    await studio.canvas().click({ position: { x: 700, y: 600 } });
  }

  it('undo and redo, copy and paste round-trip the document exactly', async () => {
    await buildSmallPipeline();
    // Hovering a palette item shows its docs and ports.
    await page.getByTestId('palette-split.random').hover();
    const docs = page.getByTestId('palette-doc-card');
    await docs.waitFor();
    expect(await docs.textContent()).toContain('gives a table on train');
    await page.screenshot({ path: join(screenshots, 'palette-docs.png') });
    await studio.canvas().click({ position: { x: 700, y: 600 } });
    const built = await studio.exportFile();

    await studio.shortcut('Control+a');
    await studio.shortcut('Control+c');
    await studio.shortcut('Control+v');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
    const pasted = await studio.exportFile();
    const file = JSON.parse(pasted) as PipelineFileShape;
    expect(file.nodes.map((node) => node.id)).toEqual([
      'source_csv',
      'clean_missing',
      'split_random',
      'source_csv_2',
      'clean_missing_2',
      'split_random_2',
    ]);
    expect(file.nodes[3].params).toEqual({ path: 'iris.csv' });
    expect(file.nodes[5].params).toEqual({ seed: 7 });
    expect(file.edges.slice(2)).toEqual([
      { from: 'source_csv_2.out', to: 'clean_missing_2.in' },
      { from: 'clean_missing_2.out', to: 'split_random_2.in' },
    ]);
    await page.screenshot({ path: join(screenshots, 'copy-paste.png') });

    await studio.shortcut('Control+z');
    expect(await studio.exportFile()).toBe(built);
    await studio.shortcut('Control+Shift+z');
    expect(await studio.exportFile()).toBe(pasted);

    // All the way back to the empty canvas, and all the way forward again.
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    while (await undo.isEnabled()) await undo.click();
    expect(await page.locator('.react-flow__node').count()).toBe(0);
    const redo = page.getByRole('button', { name: 'Redo', exact: true });
    while (await redo.isEnabled()) await redo.click();
    expect(await studio.exportFile()).toBe(pasted);
    expect(pageErrors).toEqual([]);
  });

  it('exports a pipeline, imports the file, and exports exactly the same file again', async () => {
    await buildSmallPipeline();
    await page.getByLabel('Pipeline name').fill('Round trip');
    const exported = await studio.exportFile();
    const path = join(files, 'round-trip.json');
    writeFileSync(path, exported);

    await studio.importFile(server.url, path);
    await studio.node('split_random').waitFor();
    expect(await page.getByLabel('Pipeline name').inputValue()).toBe('Round trip');
    expect(await studio.exportFile()).toBe(exported);
    await page.screenshot({ path: join(screenshots, 'imported.png') });

    // Save a second version, open the first read-only, and restore it as the third.
    await page.getByLabel('Pipeline name').fill('Round trip, renamed');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('pipeline-version').textContent()).toBe('v2');
    await studio.canvas().click({ position: { x: 700, y: 600 } });
    const versions = page.getByTestId('version-history');
    await versions.getByText('v1').waitFor();
    await versions.getByRole('button', { name: 'Open' }).click();
    const banner = page.getByTestId('read-only-banner');
    await banner.waitFor();
    expect(await page.getByLabel('Pipeline name').inputValue()).toBe('Round trip');
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'old-version.png') });
    await banner.getByRole('button', { name: 'Restore this version' }).click();
    await expect.poll(() => page.getByTestId('pipeline-version').textContent()).toBe('v3');
    expect(await page.getByTestId('read-only-banner').count()).toBe(0);
    expect(await page.getByLabel('Pipeline name').inputValue()).toBe('Round trip');

    // The dark theme, chosen once, stays for the next visit.
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await studio.select('split_random');
    await page.screenshot({ path: join(screenshots, 'dark-theme.png') });
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  });

  it('opens a generated 1,000-node pipeline and pans it', async () => {
    const path = join(files, 'large.json');
    writeFileSync(path, JSON.stringify(largePipeline(1000)));
    const opened = Date.now();
    await studio.importFile(server.url, path);
    await studio.node('n0').waitFor();
    const loadMs = Date.now() - opened;
    await page.getByTestId('pipeline-inspector').getByText('1000 nodes').waitFor();

    const viewport = page.locator('.react-flow__viewport');
    const before = await viewport.getAttribute('style');
    // Drag the empty background between the first two rows of nodes to pan.
    const first = await studio.node('n0').boundingBox();
    const below = await studio.node('n10').boundingBox();
    if (!first || !below) throw new Error('the first rows are not on screen');
    const start = { x: first.x + first.width / 2, y: (first.y + first.height + below.y) / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 300, start.y + 200, { steps: 20 });
    await page.mouse.up();
    await expect.poll(() => viewport.getAttribute('style')).not.toBe(before);
    expect(loadMs, 'import and first node on screen').toBeLessThan(60_000);
    await page.screenshot({ path: join(screenshots, 'thousand-nodes.png') });
    expect(pageErrors).toEqual([]);
  });
});
