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
  reopenPipeline,
  runToSuccess,
  screenshotFailedTests,
  screenshots,
  type AdminApi,
} from './studio-session.js';

const EXAMPLE_NODES = ['source', 'dedupe', 'split', 'impute', 'train', 'score', 'metrics'];

/**
 * The given nodes the user cannot fully see: off the canvas, cut by its edge, or under what floats over it
 * (minimap, zoom buttons, run bar), as `node where`.
 */
async function unseenNodes(page: Page, ids: string[]): Promise<string[]> {
  return page.evaluate((wanted) => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const overlays = [
      ['minimap', '.react-flow__minimap'],
      ['zoom buttons', '.react-flow__controls'],
      ['run bar', '[data-testid="run-status"]'],
    ]
      .map(([name, selector]) => [name, document.querySelector(selector)?.getBoundingClientRect()] as const)
      .filter((entry): entry is readonly [string, DOMRect] => entry[1] !== undefined);
    const meets = (a: DOMRect, b: DOMRect) =>
      a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    const found: string[] = [];
    for (const id of wanted) {
      const element = document.querySelector(`.react-flow__node[data-id="${id}"]`);
      if (!element) {
        found.push(`${id} not drawn`);
        continue;
      }
      const box = element.getBoundingClientRect();
      if (box.left < canvas.left || box.right > canvas.right || box.top < canvas.top || box.bottom > canvas.bottom)
        found.push(`${id} off the canvas`);
      for (const [name, overlay] of overlays) if (meets(box, overlay)) found.push(`${id} under the ${name}`);
    }
    return found;
  }, ids);
}

describe('a new user’s last rough edges (issue 17 leftovers)', () => {
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

  it('tells a newcomer with no deployment the studio way to deploy, the API only as an aside', async () => {
    await page.goto(`${server.url}/#/deployments`);
    const empty = page.getByTestId('deployments-empty');
    await empty.waitFor();
    const steps = await empty.locator('ol').textContent();
    expect(steps).toContain('Deploy service');
    expect(steps).toContain('after a trainer');
    expect(steps).toContain('Run');
    expect(steps).not.toContain('POST');
    expect(await empty.getByRole('link', { name: 'Pipelines' }).getAttribute('href')).toBe('#/');
    expect(await empty.getByTestId('deployments-api-hint').textContent()).toContain('POST /api/deployments');
    await page.screenshot({ path: join(screenshots, 'deployments-empty.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows every node of the sample pipeline on opening it, legibly, at 1440 × 900 and 1280 × 800, run or not', async () => {
    const list = (await call('GET', '/pipelines')) as { items: { id: string; name: string }[] };
    const example = list.items.find((item) => item.name.startsWith('Breast cancer'));
    expect(example, 'the seeded example').toBeDefined();
    for (const ran of [false, true]) {
      if (ran) await runToSuccess(call, example!.id);
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1280, height: 800 },
      ]) {
        await page.setViewportSize(viewport);
        await reopenPipeline(page, server.url, example!.id);
        if (ran) await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
        else await studio.node('metrics').waitFor();
        // The fit happens once the nodes have their sizes.
        await expect.poll(() => unseenNodes(page, EXAMPLE_NODES)).toEqual([]);
        expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
        await page.screenshot({
          path: join(screenshots, `example-${ran ? 'run' : 'opened'}-${viewport.width}.png`),
        });
        await page.locator('.react-flow__controls-fitview').click();
        expect(await unseenNodes(page, EXAMPLE_NODES)).toEqual([]);
        expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('keeps an opened pipeline fitted while the window changes size, until the user moves the view', async () => {
    const list = (await call('GET', '/pipelines')) as { items: { id: string; name: string }[] };
    const example = list.items.find((item) => item.name.startsWith('Breast cancer'))!;
    await page.setViewportSize({ width: 1440, height: 900 });
    await reopenPipeline(page, server.url, example.id);
    await studio.node('metrics').waitFor();
    await expect.poll(() => unseenNodes(page, EXAMPLE_NODES)).toEqual([]);
    // Narrower: fitted at 1440, the right-hand column would now be cut by the inspector.
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => unseenNodes(page, EXAMPLE_NODES)).toEqual([]);

    // The user drags the background (between the first two rows): from then on the view is theirs.
    const viewport = page.locator('.react-flow__viewport');
    const first = (await studio.node('source').boundingBox())!;
    const below = (await studio.node('impute').boundingBox())!;
    const start = { x: first.x + first.width / 2, y: (first.y + first.height + below.y) / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 60, start.y + 40, { steps: 10 });
    await page.mouse.up();
    const moved = await viewport.getAttribute('style');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.waitForTimeout(500);
    expect(await viewport.getAttribute('style')).toBe(moved);
    expect(pageErrors).toEqual([]);
  });

  it('shows on a node only whole metrics, never a figure cut to an ellipsis, and all of them on hover', async () => {
    const created = (await call('POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'Profile line',
      params: {},
      nodes: [
        { id: 'source', type: 'source.csv', params: { path: 'data/breast_cancer.csv' }, position: { x: 0, y: 0 } },
        { id: 'profile', type: 'explore.profile', params: {}, position: { x: 300, y: 0 } },
      ],
      edges: [{ from: 'source.out', to: 'profile.in' }],
    })) as { id: string };
    await runToSuccess(call, created.id);
    const list = (await call('GET', '/pipelines')) as { items: { id: string; name: string }[] };
    const example = list.items.find((item) => item.name.startsWith('Breast cancer'))!;
    await runToSuccess(call, example.id);

    for (const [pipelineId, nodeId, title] of [
      [created.id, 'profile', /Columns 31 · Missing cells 0 · Rows 569/],
      [example.id, 'metrics', /Accuracy [\d.]+ · Precision [\d.]+ · Recall [\d.]+/],
    ] as const) {
      await reopenPipeline(page, server.url, pipelineId);
      await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
      // By React Flow's id: the node "metrics" and the metrics line share a test id.
      const node = page.locator(`.react-flow__node[data-id="${nodeId}"]`);
      const line = node.locator('dl[data-testid="node-metric-line"]');
      await line.waitFor();
      expect(await line.getAttribute('title')).toMatch(title);
      // Each metric lies wholly inside the line (shown) or wholly outside it (left off): none is cut.
      const metrics = await line.evaluate((element) => {
        const box = element.getBoundingClientRect();
        return [...element.querySelectorAll<HTMLElement>('.pw-metric')].map((metric) => {
          const own = metric.getBoundingClientRect();
          // Half a pixel of slack: the canvas's zoom leaves fractions.
          const inside =
            own.left >= box.left - 0.5 &&
            own.right <= box.right + 0.5 &&
            own.top >= box.top - 0.5 &&
            own.bottom <= box.bottom + 0.5;
          const outside = own.top >= box.bottom - 0.5 || own.left >= box.right - 0.5;
          const at = [own.left, own.right, own.top, own.bottom, box.left, box.right, box.top, box.bottom];
          return { text: metric.textContent ?? '', shown: inside, cut: !inside && !outside, at: at.map(Math.round) };
        });
      });
      expect(metrics.filter((metric) => metric.cut)).toEqual([]);
      expect(
        metrics.some((metric) => !metric.shown),
        `${nodeId}: a metric left off`,
      ).toBe(true);
      expect(metrics[0].shown, `${nodeId}: its first metric`).toBe(true);
      expect(await line.evaluate((element) => getComputedStyle(element).textOverflow)).not.toBe('ellipsis');
      await node.screenshot({ path: join(screenshots, `metrics-line-${nodeId}.png`) });
    }
    expect(pageErrors).toEqual([]);
  });

  it('opens the new-param dialog from the command palette (Ctrl+K), by keyboard', async () => {
    const created = (await call('POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'Palette param',
      params: {},
      nodes: [{ id: 'source', type: 'source.csv', params: { path: 'data/iris.csv' }, position: { x: 0, y: 0 } }],
      edges: [],
    })) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('source').waitFor();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const search = palette.getByRole('combobox', { name: 'Search commands' });
    expect(await search.evaluate((element) => element === document.activeElement)).toBe(true);
    // Every editor action is there; typing narrows them.
    expect(await palette.getByRole('option').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Save'), expect.stringContaining('New pipeline param…')]),
    );
    await page.keyboard.type('pipeline param');
    expect(await palette.getByRole('option').allTextContents()).toEqual(['New pipeline param…']);
    await page.screenshot({ path: join(screenshots, 'command-palette.png') });
    await page.keyboard.press('Enter');
    await palette.waitFor({ state: 'detached' });

    const dialog = page.getByRole('dialog', { name: 'New pipeline param' });
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('threshold');
    await dialog.getByLabel('Default').fill('0.5');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('pipeline-inspector').getByLabel('Pipeline param threshold').inputValue()).toBe(
      '0.5',
    );

    // Escape leaves the palette without doing anything; a search that matches nothing says so.
    await page.keyboard.press('Control+k');
    await palette.waitFor();
    await page.keyboard.type('zzz');
    expect(await palette.textContent()).toContain('No command matches “zzz”');
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    expect(await page.getByRole('dialog', { name: 'New pipeline param' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('keeps the keyboard inside an open dialog and gives focus back to what opened it when it closes', async () => {
    const list = (await call('GET', '/pipelines')) as { items: { id: string; name: string }[] };
    const example = list.items.find((item) => item.name.startsWith('Breast cancer'));
    await reopenPipeline(page, server.url, example!.id);
    await studio.node('metrics').waitFor();
    const opener = page.getByRole('button', { name: 'Keyboard shortcuts' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const focusInside = () => dialog.evaluate((element) => element.contains(document.activeElement));
    expect(await focusInside()).toBe(true);
    for (const key of ['Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await page.keyboard.press(key);
      expect(await focusInside(), `focus after ${key}`).toBe(true);
    }
    // A click on the dialog's text keeps the keyboard in it: Escape still closes it.
    await dialog.getByRole('heading', { name: 'Keyboard shortcuts' }).click();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await opener.evaluate((element) => element === document.activeElement)).toBe(true);

    // The same for the command palette, opened from the canvas.
    await studio.node('metrics').locator('.pw-node__header').click();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    await page.keyboard.press('Tab');
    expect(await palette.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    expect(
      await page.evaluate(() => document.activeElement?.closest('.react-flow__node')?.getAttribute('data-id')),
    ).toBe('metrics');
    expect(pageErrors).toEqual([]);
  });
});
