import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioBrowser } from './chromium.js';
import { repoRoot, type RunningServer } from './pipewright-server.js';
import type { StudioPage } from './studio-page.js';
import {
  adminApi,
  closeStudioSession,
  openStudioSession,
  screenshotFailedTests,
  screenshots,
  type AdminApi,
} from './studio-session.js';

describe('the template gallery, a template’s form, schedules and saving a template', () => {
  let server: RunningServer;
  let browser: StudioBrowser;
  let page: Page;
  let studio: StudioPage;
  let call: AdminApi;
  /** The pipeline the first test made from the gallery. */
  let pipelineId = '';

  beforeAll(async () => {
    ({ server, browser, page, studio } = await openStudioSession());
    await page.setViewportSize({ width: 1280, height: 860 });
    // A new user: an editor in a new team's workspace, which has no pipeline yet.
    const admin = await adminApi(server);
    const workspace = (await admin('POST', '/workspaces', { name: 'Team two' })) as { id: string };
    const newcomer = { email: 'newcomer@pipewright.test', password: 'a fresh face at the studio' };
    await admin('POST', '/users', { ...newcomer, role: 'editor', workspaceId: workspace.id });
    await page.getByRole('button', { name: 'Log out' }).click();
    await studio.logIn({ url: server.url, admin: newcomer });
    call = await adminApi({ ...server, admin: newcomer });
  });
  screenshotFailedTests(() => page);
  afterAll(() => closeStudioSession({ server, browser }));

  it('offers the gallery to a new user; a template’s form changes a param; the pipeline runs and shows its key once', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByText('No pipelines yet').waitFor();
    const gallery = page.getByRole('list', { name: 'Template gallery' });
    await gallery.getByRole('listitem').first().waitFor();
    expect(await gallery.getByRole('listitem').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: join(screenshots, 'templates-gallery-empty-list.png'), fullPage: true });

    await gallery.getByRole('button', { name: 'Use template Train and deploy a prediction service' }).click();
    const dialog = page.getByRole('dialog', { name: 'New pipeline from “Train and deploy a prediction service”' });
    await dialog.waitFor();
    // A column param is a picker of the template data's columns, at its default.
    const label = dialog.getByLabel('label');
    expect(await label.evaluate((element) => element.tagName)).toBe('SELECT');
    expect(await label.inputValue()).toBe('"diagnosis"');
    // A wrong value is named before anything is sent; Create waits for a good one.
    const seed = dialog.getByLabel('seed');
    await seed.fill('4.5');
    expect(await dialog.getByTestId('template-param-error-seed').textContent()).toBe(
      'expected a whole number, got 4.5',
    );
    expect(await dialog.getByRole('button', { name: 'Create pipeline' }).isDisabled()).toBe(true);
    await seed.fill('7');
    await dialog.getByLabel('deployment').fill('my-cancer-service');
    await dialog.getByLabel('Pipeline name').fill('My cancer service');
    await page.screenshot({ path: join(screenshots, 'templates-form.png') });
    await dialog.getByRole('button', { name: 'Create pipeline' }).click();

    await page.waitForURL(/#\/pipelines\/(?!new)[^/]+$/);
    await studio.canvas().waitFor();
    pipelineId = decodeURIComponent(/#\/pipelines\/([^/]+)$/.exec(page.url())![1]);
    const stored = (await call('GET', `/pipelines/${pipelineId}`)) as {
      name: string;
      params: Record<string, unknown>;
      template: { name: string; version: number };
    };
    expect(stored.name).toBe('My cancer service');
    expect(stored.params).toEqual({ deployment: 'my-cancer-service', label: 'diagnosis', seed: 7 });
    expect(stored.template).toMatchObject({ name: 'Train and deploy a prediction service', version: 1 });

    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const key = page.getByRole('dialog', { name: 'API key for "my-cancer-service"' });
    await key.waitFor({ timeout: 180_000 });
    expect((await key.getByTestId('revealed-api-key').textContent())!.trim()).toMatch(/^pwk_/);
    await page.screenshot({ path: join(screenshots, 'templates-run-key.png') });
    await key.getByRole('button', { name: 'I have kept it' }).click();
    await studio.waitForRunToEnd();
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    const deployment = (await call('GET', '/deployments/my-cancer-service')) as { activeVersion: number };
    expect(deployment.activeVersion).toBe(1);
  });

  it('creates a cron schedule in a time zone and a dataset trigger with params, pauses and resumes one', async () => {
    // The retraining template comes with its dataset: something for a trigger to watch.
    const templates = (await call('GET', '/templates')) as { items: { id: string; name: string }[] };
    const retraining = templates.items.find((t) => t.name === 'Scheduled retraining with champion–challenger')!;
    await call('POST', `/templates/${retraining.id}/instantiate`, {});
    await page.goto(`${server.url}/#/pipelines/${pipelineId}`);
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    await page.getByText('No schedule yet').waitFor();

    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Cron', { exact: true }).fill('30 7 * * 1-5');
    await form.getByLabel('Time zone').selectOption('Europe/Paris');
    await form.getByLabel('seed').fill('11');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const table = page.getByRole('table', { name: 'Schedules' });
    const cronRow = table.getByRole('row').filter({ hasText: 'cron 30 7 * * 1-5 (Europe/Paris)' });
    await cronRow.waitFor();
    expect(await cronRow.textContent()).toContain('seed=11');
    const [schedule] = (
      (await call('GET', `/pipelines/${pipelineId}/schedules`)) as {
        items: { nextFireAt: string; params: Record<string, unknown> }[];
      }
    ).items;
    expect(schedule.params).toEqual({ seed: 11 });
    // The next fire time shown is the server's, at 07:30 Paris time.
    const next = new Date(schedule.nextFireAt);
    expect(
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(next),
    ).toBe('07:30');
    expect(await cronRow.getByTestId('next-fire').textContent()).not.toBe('paused');

    await cronRow.getByRole('button', { name: 'Pause' }).click();
    await cronRow.getByTestId('next-fire').filter({ hasText: 'paused' }).waitFor();
    await cronRow.getByRole('button', { name: 'Resume' }).click();
    await cronRow.getByRole('button', { name: 'Pause' }).waitFor();

    await form.getByLabel('When a dataset gets a new version').check();
    await form.getByLabel('Dataset', { exact: true }).selectOption('breast-cancer-training');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    const datasetRow = table
      .getByRole('row')
      .filter({ hasText: 'when dataset “breast-cancer-training” gets a new version' });
    await datasetRow.waitFor();
    expect(await datasetRow.getByTestId('next-fire').textContent()).toBe('on the next version');
    await form.getByLabel('On a cron').check();

    // A bad cron is refused, naming what is wrong; nothing is added.
    await form.getByLabel('Cron', { exact: true }).fill('61 * * * *');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    expect(await page.getByTestId('schedule-error').textContent()).toMatch(/cron/);
    expect(await table.getByRole('row').count()).toBe(3);
    await page.screenshot({ path: join(screenshots, 'schedules-page.png'), fullPage: true });
  });

  it('saves the pipeline as a template with a declared param, lists it, exports it, and makes a pipeline from it', async () => {
    await page.goto(`${server.url}/#/pipelines/${pipelineId}`);
    await studio.canvas().waitFor();
    await page.getByRole('button', { name: 'Save as template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save as template' });
    await dialog.getByLabel('Name', { exact: true }).fill('Our cancer service');
    await dialog.getByLabel('Allowed values of seed').fill('7, 11, 42');
    await dialog.getByLabel('Description of seed').fill('Seed of the split.');
    await dialog.getByRole('button', { name: 'Save template' }).click();
    expect(await dialog.getByTestId('template-saved').textContent()).toBe(
      'Saved “Our cancer service” as version 1 with 3 parameters.',
    );
    const download = page.waitForEvent('download');
    await dialog.getByRole('link', { name: 'Export file' }).click();
    const file = JSON.parse(await readFile((await (await download).path())!, 'utf8')) as {
      format: string;
      params: { name: string; allowed?: unknown[] }[];
    };
    expect(file.format).toBe('pipewright-template/v1');
    expect(file.params.find((param) => param.name === 'seed')?.allowed).toEqual([7, 11, 42]);

    await dialog.getByRole('link', { name: 'Templates' }).click();
    const own = page.getByRole('list', { name: 'Workspace templates' });
    await own.getByRole('button', { name: 'Use template Our cancer service' }).click();
    const use = page.getByRole('dialog', { name: 'New pipeline from “Our cancer service”' });
    // Allowed values make a select.
    await use.getByLabel('seed').selectOption('42');
    await use.getByLabel('Pipeline name').fill('From our template');
    await use.getByRole('button', { name: 'Create pipeline' }).click();
    await page.waitForURL(/#\/pipelines\/(?!new)[^/]+$/);
    const made = decodeURIComponent(/#\/pipelines\/([^/]+)$/.exec(page.url())![1]);
    const stored = (await call('GET', `/pipelines/${made}`)) as {
      params: Record<string, unknown>;
      template: { name: string; version: number };
    };
    expect(stored.params.seed).toBe(42);
    expect(stored.template).toMatchObject({ name: 'Our cancer service', version: 1 });

    // Renamed from the list as a new version: what the server adds to a stored pipeline (the template it came
    // from among it) is not sent back with the file.
    await page.goto(`${server.url}/#/`);
    await page.getByRole('button', { name: /^Rename From our template/ }).click();
    const form = page.getByRole('form', { name: /^Rename From our template/ });
    await form.getByLabel('New name').fill('From our template, renamed');
    await form.getByLabel('New name').press('Enter');
    await form.waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: /From our template, renamed/ }).textContent()).toContain('v2');
    const renamed = (await call('GET', `/pipelines/${made}`)) as { name: string; version: number; template: unknown };
    expect(renamed).toMatchObject({ name: 'From our template, renamed', version: 2, template: stored.template });
  });

  it('adds a version under an existing name, shows its schema change before a run, and lets a source pin a version', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'pipewright-e2e-versions-'));
    const iris = (await readFile(join(repoRoot, 'test', 'fixtures', 'data', 'iris.csv'), 'utf8')).trim().split('\n');
    const first = join(scratch, 'flowers.csv');
    await writeFile(first, iris.join('\n') + '\n');
    await page.goto(`${server.url}/#/datasets`);
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload…' }).click();
    await (await chooser).setFiles(first);
    expect(await page.getByTestId('upload-result').textContent()).toMatch(
      /^Added “flowers.csv” \(150 rows, 5 columns\)/,
    );

    // The next version drops "petal width (cm)" and has 100 rows.
    const second = join(scratch, 'flowers-v2.csv');
    await writeFile(
      second,
      iris
        .slice(0, 101)
        .map((line) =>
          line
            .split(',')
            .filter((_, i) => i !== 3)
            .join(','),
        )
        .join('\n') + '\n',
    );
    const row = page
      .getByRole('table', { name: 'Datasets' })
      .getByRole('row')
      .filter({ hasText: 'flowers.csv' })
      .first();
    const again = page.waitForEvent('filechooser');
    await row.getByRole('button', { name: 'Upload a new version of flowers.csv' }).click();
    await (await again).setFiles(second);
    const result = page.getByTestId('upload-result');
    await result.filter({ hasText: 'version 2' }).waitFor();
    expect(await result.textContent()).toContain('Its columns differ from v1: removed "petal width (cm)"');
    // The list is read again after the upload.
    await row
      .getByTestId('dataset-latest')
      .filter({ hasText: /^v2 · 100 rows/ })
      .waitFor();
    expect(await row.getByTestId('dataset-schema-change').textContent()).toContain('removed "petal width (cm)"');

    await row.getByRole('button', { name: 'Versions of flowers.csv' }).click();
    const versions = page.getByRole('table', { name: 'Versions of flowers.csv' });
    await versions.waitFor();
    const v1 = await versions.getByTestId('dataset-version-1').getByRole('cell').allTextContents();
    const v2 = await versions.getByTestId('dataset-version-2').getByRole('cell').allTextContents();
    expect(v1.slice(0, 3)).toEqual(['v1', '150', '5 columns']);
    expect(v2.slice(0, 2)).toEqual(['v2', '100']);
    expect(v2[2]).toContain('vs v1: removed "petal width (cm)"');
    expect(v1[3]).toMatch(/^[0-9a-f]{12}$/);
    expect(v2[3]).not.toBe(v1[3]);
    await page.screenshot({ path: join(screenshots, 'dataset-versions.png'), fullPage: true });

    // A source node reading the dataset by name shows the change too; pinning v1 is one pick.
    const pipeline = (await call('POST', '/pipelines', {
      format: 'pipewright/v1',
      name: 'Flowers',
      params: {},
      nodes: [{ id: 'src', type: 'source.csv', params: { dataset: 'flowers.csv' }, position: { x: 0, y: 0 } }],
      edges: [],
    })) as { id: string };
    await page.goto(`${server.url}/#/pipelines/${pipeline.id}`);
    await studio.select('src');
    const picker = page.getByTestId('node-inspector').getByTestId('named-dataset-picker');
    await picker.getByTestId('named-dataset-schema-change').waitFor();
    expect(await picker.getByTestId('named-dataset-schema-change').textContent()).toBe(
      'Columns changed from v1 to v2: removed "petal width (cm)"',
    );
    await picker.getByLabel('Dataset version').selectOption('1');
    expect(await picker.getByTestId('named-dataset-version').textContent()).toBe('v1: 150 rows, 5 columns');
    expect(await page.getByTestId('node-inspector').getByTestId('param-version').inputValue()).toBe('1');
  });
});
