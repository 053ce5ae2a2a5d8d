import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
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

type PipelineParams = Record<string, unknown>;

/** iris → split → logistic regression, with the given pipeline params and split seed. */
function irisPipeline(name: string, seed: number, params: PipelineParams = {}) {
  return {
    format: 'pipewright/v1',
    name,
    params,
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data/iris.csv' }, position: { x: 0, y: 0 } },
      { id: 'split', type: 'split.random', params: { seed }, position: { x: 300, y: 0 } },
      { id: 'train', type: 'train.logistic', params: { label: 'species', epochs: 20 }, position: { x: 600, y: 0 } },
    ],
    edges: [
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'train.in' },
    ],
  };
}

/** The twelve nodes of rough-edges.test.ts: two trainers on breast cancer, a profile, a deploy node. */
function twelveNodePipeline(name: string) {
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
      node('source', 'source.csv', 0, 0, { path: 'data/breast_cancer.csv' }),
      node('profile', 'explore.profile', 1, 1),
      node('dedupe', 'clean.duplicates', 1, 0),
      node('split', 'split.random', 2, 0, { seed: 42, stratify: 'diagnosis' }),
      node('impute', 'clean.missing', 3, 0, { strategy: 'median' }),
      node('forest', 'train.forest', 4, 0, { label: 'diagnosis', trees: 15 }),
      node('logistic', 'train.logistic', 4, 1, { label: 'diagnosis' }),
      node('scoreForest', 'evaluate.score', 5, 0),
      node('scoreLogistic', 'evaluate.score', 5, 1),
      node('metricsForest', 'evaluate.classification', 6, 0, { label: 'diagnosis' }),
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

/** Ten cleaning steps in two columns of five, top to bottom: taller than wide, as a long chain laid out by hand. */
function tallPipeline(name: string) {
  const nodes = Array.from({ length: 10 }, (_, index) => ({
    id: `step${index}`,
    type: index === 0 ? 'source.csv' : 'clean.duplicates',
    params: index === 0 ? { path: 'data/iris.csv' } : {},
    position: { x: Math.floor(index / 5) * 280, y: (index % 5) * 170 },
  }));
  const edges = nodes.slice(1).map((node, index) => ({ from: `step${index}.out`, to: `${node.id}.in` }));
  return { format: 'pipewright/v1', name, params: {}, nodes, edges };
}

/**
 * The nodes the user cannot fully see though they are on the canvas: cut by its edge (the inspector's side,
 * say) or lying under what floats over it (minimap, zoom buttons, run bar), as `node under what`.
 */
async function hiddenNodes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
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
    for (const element of document.querySelectorAll<HTMLElement>('.react-flow__node')) {
      const box = element.getBoundingClientRect();
      if (!meets(box, canvas)) continue;
      const id = element.dataset.id ?? '?';
      if (box.left < canvas.left || box.right > canvas.right || box.top < canvas.top || box.bottom > canvas.bottom)
        found.push(`${id} under the canvas edge`);
      for (const [name, overlay] of overlays) if (meets(box, overlay)) found.push(`${id} under the ${name}`);
    }
    return found;
  });
}

/** The options a `<select>` offers, by their text. */
async function optionTexts(select: Locator): Promise<string[]> {
  return select.locator('option').allTextContents();
}

describe('a new user’s remaining rough edges (issue 17)', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let pageErrors: string[];
  let call: AdminApi;
  /** Native dialogs (`window.prompt`, `alert`) the page opened: the studio should open none. */
  const nativeDialogs: string[] = [];

  beforeAll(async () => {
    ({ server, browser, page, studio, pageErrors } = await openStudioSession());
    await page.setViewportSize({ width: 1440, height: 900 });
    page.on('dialog', (dialog) => {
      nativeDialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    call = await adminApi(server);
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('shows an old version with its own last run, or none when it never ran', async () => {
    const created = (await call('POST', '/pipelines', irisPipeline('Versions and runs', 3))) as { id: string };
    const firstRun = await runToSuccess(call, created.id);
    await call('PUT', `/pipelines/${created.id}`, irisPipeline('Versions and runs', 4));
    await call('PUT', `/pipelines/${created.id}`, irisPipeline('Versions and runs', 5));
    const latestRun = await runToSuccess(call, created.id);

    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    const runStatus = page.getByTestId('run-status');
    await runStatus.waitFor();
    expect(await runStatus.textContent()).toContain(`run ${latestRun.slice(0, 8)}`);

    const history = page.getByTestId('version-history');
    const openVersion = (version: number) =>
      history
        .locator('li')
        .filter({ has: page.getByText(`v${version}`, { exact: true }) })
        .getByRole('button', { name: 'Open' })
        .click();
    const banner = page.getByTestId('read-only-banner');

    await openVersion(1);
    await expect.poll(() => banner.textContent()).toContain('Version 1');
    await expect.poll(() => runStatus.textContent()).toContain(`run ${firstRun.slice(0, 8)}`);
    expect(await banner.textContent()).toContain(`Showing its last run ${firstRun.slice(0, 8)} (succeeded)`);
    await page.screenshot({ path: join(screenshots, 'old-version-run.png') });

    await openVersion(2);
    await expect.poll(() => banner.textContent()).toContain('Version 2');
    await expect.poll(() => runStatus.count()).toBe(0);
    await expect.poll(() => banner.textContent()).toContain('It was never run');
    expect(await page.getByTestId('status-split').count()).toBe(0);
    await page.screenshot({ path: join(screenshots, 'old-version-never-run.png') });

    await banner.getByRole('button', { name: 'Back to the latest' }).click();
    await expect.poll(() => runStatus.textContent()).toContain(`run ${latestRun.slice(0, 8)}`);
    expect(pageErrors).toEqual([]);
  });

  it('offers in the $ menu only the pipeline params a field can take', async () => {
    const params = { rate: 0.05, passes: 40, target: 'species', shuffle: true };
    const created = (await call('POST', '/pipelines', irisPipeline('Bindings', 3, params))) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('train').waitFor();
    const inspector = page.getByTestId('node-inspector');
    const menu = (param: string) => inspector.getByLabel(`Bind ${param} to a pipeline param`);

    await studio.select('train');
    expect(await optionTexts(menu('epochs'))).toEqual(['$', 'passes', 'New pipeline param…']);
    expect(await optionTexts(menu('learningRate'))).toEqual(['$', 'rate', 'New pipeline param…']);
    expect(await optionTexts(menu('label'))).toEqual(['$', 'target', 'New pipeline param…']);
    await studio.select('split');
    expect(await optionTexts(menu('seed'))).toEqual(['$', 'passes', 'New pipeline param…']);
    expect(await optionTexts(menu('stratify'))).toEqual(['$', 'target', 'New pipeline param…']);

    await menu('seed').selectOption({ label: 'passes' });
    expect(await inspector.getByText('from pipeline param').textContent()).toContain('passes = 40');
    expect(pageErrors).toEqual([]);
  });

  it('makes a pipeline param in a dialog: name, type, default and description, errors named inline, by keyboard', async () => {
    const created = (await call('POST', '/pipelines', irisPipeline('New param', 3, { rate: 0.05 }))) as {
      id: string;
    };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('split').waitFor();
    await studio.select('split');
    const inspector = page.getByTestId('node-inspector');
    await inspector.getByLabel('Bind seed to a pipeline param').selectOption({ label: 'New pipeline param…' });

    const dialog = page.getByRole('dialog', { name: 'New pipeline param' });
    await dialog.waitFor();
    expect(nativeDialogs).toEqual([]);
    const name = dialog.getByLabel('Name');
    const type = dialog.getByLabel('Type');
    const fallback = dialog.getByLabel('Default');
    // Opened from the seed field: its name, its type and its value to start with, the name focused.
    expect(await name.inputValue()).toBe('seed');
    expect(await type.inputValue()).toBe('integer');
    expect(await fallback.inputValue()).toBe('3');
    expect(await name.evaluate((element) => element === document.activeElement)).toBe(true);

    await name.fill('rate');
    expect(await dialog.getByTestId('new-param-name-error').textContent()).toContain(
      'the pipeline already has a param “rate”',
    );
    await name.fill('split seed');
    expect(await dialog.getByTestId('new-param-name-error').textContent()).toContain('letters, digits and _');
    await name.fill('splitSeed');
    expect(await dialog.getByTestId('new-param-name-error').count()).toBe(0);
    await fallback.fill('2.5');
    expect(await dialog.getByTestId('new-param-default-error').textContent()).toContain('a whole number');
    await page.keyboard.press('Enter');
    // Refused while a field is wrong: still open, nothing made.
    await dialog.waitFor();
    await fallback.fill('11');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Seed of the train/test split');
    expect(await dialog.getByLabel('Description').inputValue()).toBe('Seed of the train/test split');
    // Its buttons stand apart, as in every dialog of the studio.
    const cancel = (await dialog.getByRole('button', { name: 'Cancel' }).boundingBox())!;
    const make = (await dialog.getByRole('button', { name: 'Make and bind' }).boundingBox())!;
    expect(make.x - (cancel.x + cancel.width)).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: join(screenshots, 'new-param-dialog.png') });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await inspector.getByText('from pipeline param').textContent()).toContain('splitSeed = 11');

    // Escape leaves without a change.
    await inspector.getByLabel('Bind stratify to a pipeline param').selectOption({ label: 'New pipeline param…' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    const file = JSON.parse(await studio.exportFile()) as {
      params: Record<string, unknown>;
      paramInfo?: Record<string, unknown>;
      nodes: { id: string; params: Record<string, unknown> }[];
    };
    expect(file.params).toEqual({ rate: 0.05, splitSeed: 11 });
    expect(file.paramInfo).toEqual({ splitSeed: { type: 'integer', description: 'Seed of the train/test split' } });
    expect(file.nodes.find((node) => node.id === 'split')?.params.seed).toEqual({ $param: 'splitSeed' });

    // Saved, the description stays with the pipeline and the pipeline panel shows it.
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByTestId('save-state').textContent()).toContain('Saved');
    await page.reload();
    await studio.node('split').waitFor();
    expect(await page.getByTestId('pipeline-inspector').getByTestId('param-info-splitSeed').textContent()).toContain(
      'Seed of the train/test split',
    );
    expect(nativeDialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('makes a pipeline param from the pipeline panel too, naming a problem only once there is one', async () => {
    const created = (await call('POST', '/pipelines', irisPipeline('Panel param', 3))) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    const panel = page.getByTestId('pipeline-inspector');
    await panel.getByRole('button', { name: 'New pipeline param…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New pipeline param' });
    await dialog.waitFor();
    // Nothing typed yet: nothing is wrong yet.
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await page.keyboard.press('Enter');
    expect(await dialog.getByTestId('new-param-name-error').textContent()).toContain('give the param a name');
    expect(await dialog.getByTestId('new-param-default-error').textContent()).toContain('is not a number');
    await dialog.getByLabel('Name').fill('threshold');
    await dialog.getByLabel('Default').fill('0.5');
    await dialog.getByLabel('Description').fill('Probability above which a row counts as positive');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(await panel.getByLabel('Pipeline param threshold').inputValue()).toBe('0.5');
    expect(await panel.getByTestId('param-info-threshold').textContent()).toBe(
      'Number · Probability above which a row counts as positive',
    );
    await page.screenshot({ path: join(screenshots, 'panel-param.png') });
    expect(nativeDialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('fits a finished twelve-node run legibly into the canvas beside the inspector, the profile’s metrics whole', async () => {
    const created = (await call('POST', '/pipelines', twelveNodePipeline('Twelve, fitted'))) as { id: string };
    await runToSuccess(call, created.id);
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(viewport);
      await reopenPipeline(page, server.url, created.id);
      await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
      expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
      expect(await hiddenNodes(page)).toEqual([]);
      await page.screenshot({ path: join(screenshots, `twelve-node-fit-${viewport.width}.png`) });
      await page.locator('.react-flow__controls-fitview').click();
      expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
      expect(await hiddenNodes(page)).toEqual([]);
    }

    // The profile's metrics line: whole, or cut with an ellipsis and the full text on hover and in the inspector.
    const line = studio.node('profile').getByTestId('node-metric-line');
    const shown = await line.evaluate((element) => ({
      fits: element.scrollWidth <= element.clientWidth,
      ellipsis: getComputedStyle(element).textOverflow === 'ellipsis',
      title: element.getAttribute('title') ?? '',
    }));
    expect(shown.fits || shown.ellipsis).toBe(true);
    expect(shown.title).toMatch(/Columns 31 · Missing cells 0 · Rows 569/);
    await studio.select('profile');
    const inspector = page.getByTestId('node-inspector');
    for (const key of ['columns', 'missingCells', 'rows'])
      await inspector.getByTestId(`inspector-metric-${key}`).waitFor();
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('keeps the editor header in order at 1280 × 800 while a run goes, and shows a template’s param descriptions', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const templates = (await call('GET', '/templates')) as { items: { id: string; name: string }[] };
    const clustering = templates.items.find((template) => template.name === 'Clustering — k-means')!;
    const made = (await call('POST', `/templates/${clustering.id}/instantiate`, {})) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${made.id}`);
    const panel = page.getByTestId('pipeline-inspector');
    // The template's form said what k is: the pipeline it made says so too.
    expect(await panel.getByTestId('param-info-k').textContent()).toBe('Whole number · How many clusters.');

    // A run that goes on until cancelled: an MLP taking one row a step, and patient.
    const slow = irisPipeline('Header at 1280', 3);
    slow.nodes[2] = {
      id: 'train',
      type: 'train.mlp',
      params: { label: 'species', epochs: 10_000, patience: 1000, batchSize: 1 },
      position: { x: 600, y: 0 },
    } as (typeof slow.nodes)[number];
    const created = (await call('POST', '/pipelines', slow)) as { id: string };
    await call('PUT', `/pipelines/${created.id}`, { ...slow, description: 'An MLP that takes its time' });
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('train').waitFor();
    const header = page.locator('.pw-header');
    const run = header.getByRole('button', { name: 'Run', exact: true });
    const box = async (locator: Locator) => (await locator.boundingBox())!;
    const clear = async () => {
      const name = await box(header.getByRole('textbox').first());
      const version = await box(page.getByTestId('save-state'));
      const runButton = await box(header.getByRole('button', { name: /^(Run|Running…)$/ }));
      const workspace = await box(page.getByTestId('current-workspace'));
      return {
        nameBeforeVersion: name.x + name.width <= version.x,
        runBeforeWorkspace: runButton.x + runButton.width <= workspace.x,
        headerFits: await header.evaluate((element) => element.scrollWidth <= element.clientWidth),
      };
    };
    const inOrder = { nameBeforeVersion: true, runBeforeWorkspace: true, headerFits: true };
    // The header's chips (version, workspace) are padded alike on both sides: the text never touches the border.
    for (const chip of [page.getByTestId('save-state').locator('.pw-chip'), page.getByTestId('current-workspace')]) {
      const padding = await chip.evaluate((element) => {
        const style = getComputedStyle(element);
        return { left: style.paddingLeft, right: style.paddingRight };
      });
      expect(padding.right).toBe(padding.left);
    }
    expect(await clear()).toEqual(inOrder);
    const idleWidth = (await box(run)).width;
    await run.click();
    await studio.node('train').getByTestId('node-progress').waitFor();
    expect(await header.getByRole('button', { name: 'Running…' }).count()).toBe(1);
    expect(await clear()).toEqual(inOrder);
    expect((await box(header.getByRole('button', { name: 'Running…' }))).width).toBe(idleWidth);
    // The run bar, Cancel and all, lies clear of the minimap and the zoom buttons.
    const runBar = await box(page.getByTestId('run-status'));
    for (const overlay of ['.react-flow__minimap', '.react-flow__controls']) {
      const other = await box(page.locator(overlay));
      expect(runBar.x + runBar.width <= other.x || other.x + other.width <= runBar.x, overlay).toBe(true);
    }
    expect(
      await page
        .getByTestId('run-status')
        .locator('.pw-runbar__count')
        .evaluate((element) => element.scrollWidth <= element.clientWidth),
    ).toBe(true);
    await page.screenshot({ path: join(screenshots, 'header-1280-running.png') });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('[data-testid="run-status"][data-status="cancelled"]').waitFor({ timeout: 120_000 });

    // An old version's banner wraps inside the canvas.
    await page
      .getByTestId('version-history')
      .locator('li')
      .filter({ has: page.getByText('v1', { exact: true }) })
      .getByRole('button', { name: 'Open' })
      .click();
    const banner = page.getByTestId('read-only-banner');
    await expect.poll(() => banner.textContent()).toContain('It was never run');
    const canvas = await box(studio.canvas());
    const shown = await box(banner);
    expect(shown.x).toBeGreaterThanOrEqual(canvas.x);
    expect(shown.x + shown.width).toBeLessThanOrEqual(canvas.x + canvas.width);
    await page.screenshot({ path: join(screenshots, 'old-version-1280.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  it('keeps a node’s run outputs readable in the dark theme', async () => {
    const created = (await call('POST', '/pipelines', irisPipeline('Dark outputs', 3))) as { id: string };
    await runToSuccess(call, created.id);
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await page.locator('[data-testid="run-status"][data-status="succeeded"]').waitFor();
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await studio.select('split');
    const outputs = page.getByTestId('node-inspector').locator('.pw-outputs li').first();
    await outputs.waitFor();
    // WCAG contrast of the text against the inspector behind it.
    const contrast = await outputs.evaluate((element) => {
      const rgb = (colour: string) =>
        colour
          .match(/[\d.]+/g)!
          .slice(0, 3)
          .map(Number);
      const luminance = (colour: string) => {
        const [r, g, b] = rgb(colour).map((channel) => {
          const c = channel / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const text = luminance(getComputedStyle(element).color);
      const panel = luminance(getComputedStyle(element.closest('.pw-inspector')!).backgroundColor);
      return (Math.max(text, panel) + 0.05) / (Math.min(text, panel) + 0.05);
    });
    expect(contrast).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(screenshots, 'dark-outputs.png') });
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  });

  it('fits a tall pipeline without hiding nodes under the minimap or the zoom buttons', async () => {
    const created = (await call('POST', '/pipelines', tallPipeline('Tall'))) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${created.id}`);
    await studio.node('step9').waitFor();
    await page.locator('.react-flow__controls-fitview').click();
    expect(await canvasZoom(page)).toBeGreaterThanOrEqual(0.7);
    expect(await hiddenNodes(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'tall-fit.png') });
  });
});
