import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PipelineFile, PromotionDecision, RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, uploadDataset, waitFor, type TestServer } from './test-environment.js';

const cancerPath = fileURLToPath(new URL('../../examples/data/breast_cancer.csv', import.meta.url));

interface Firing {
  trigger: RunDocument['trigger'];
  outcome: string;
  run: { id: string; status: string } | null;
}

interface Version {
  version: number;
  serving: boolean;
  runId: string | null;
  promoted?: boolean;
  reason?: string;
  decision?: PromotionDecision;
  trigger?: { kind: string };
}

/**
 * The breast-cancer example reading the named dataset `cancer`, its trainer's features a pipeline param
 * (so each schedule can set them), deploying to `cancer-live` when it beats the serving version on accuracy.
 */
function retrainingPipeline(weakFeatures: string[]): PipelineFile {
  const file = breastCancerPipeline();
  file.name = 'Retrain the cancer model';
  file.params = { ...file.params, features: weakFeatures };
  file.nodes.find((node) => node.id === 'source')!.params = { dataset: 'cancer' };
  const train = file.nodes.find((node) => node.id === 'train')!;
  train.params = { ...train.params, features: { $param: 'features' } };
  file.nodes.push({
    id: 'deploy',
    type: 'deploy.service',
    params: { name: 'cancer-live', policy: 'ifBetter', metric: 'accuracy' },
    position: { x: 1300, y: 0 },
  });
  file.edges.push({ from: 'train.model', to: 'deploy.model' });
  return file;
}

describe('retraining end to end: new data, schedules, champion–challenger', () => {
  let server: TestServer;
  let csv: string;
  let allFeatures: string[];
  const weak = ['mean fractal dimension'];

  beforeAll(async () => {
    server = await startTestServer();
    csv = await readFile(cancerPath, 'utf8');
    allFeatures = csv
      .split('\n')[0]
      .split(',')
      .filter((column) => column !== 'diagnosis');
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The deployment's history (none until its first version is published). */
  const versions = async () =>
    (await api<{ items?: Version[] }>(server, 'GET', '/deployments/cancer-live/versions')).body.items ?? [];
  const firings = async (scheduleId: string) =>
    (await api<{ items: Firing[] }>(server, 'GET', `/schedules/${scheduleId}/runs`)).body.items;
  const run = async (runId: string) => (await api<RunDocument>(server, 'GET', `/runs/${runId}`)).body;
  /** Waits until the deployment has version `version`, published by the run a schedule started. */
  const published = (version: number) =>
    waitFor(
      async () => (await versions()).find((v) => v.version === version),
      180_000,
      `version ${version} of cancer-live`,
    );

  it('a new dataset version retrains; a better challenger is promoted, a worse one kept with its reason, both in the history', async () => {
    expect((await uploadDataset(server, 'cancer.csv', csv, 'cancer')).status).toBe(201);
    const pipeline = (await api<{ id: string }>(server, 'POST', '/pipelines', retrainingPipeline(weak))).body.id;

    // The champion: a run by hand on version 1, on one weak column.
    const first = await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline}/runs`, {});
    expect(first.status).toBe(201);
    expect(await published(1)).toMatchObject({ serving: true, runId: first.body.id });

    // A schedule on the dataset, training on every column.
    const strong = await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline}/schedules`, {
      onDataset: 'cancer',
      params: { features: allFeatures },
    });
    expect(strong.status).toBe(201);

    // New data arrives: the same file again, as version 2.
    const v2 = await uploadDataset<{ version: number }>(server, 'cancer-2.csv', csv, 'cancer');
    expect(v2.body.version).toBe(2);
    const promoted = await published(2);
    const [fired] = await firings(strong.body.id);
    expect(fired).toMatchObject({ outcome: 'started', trigger: { kind: 'dataset', dataset: 'cancer', version: 2 } });
    expect(promoted.runId).toBe(fired.run!.id);
    const strongRun = await waitFor(
      async () => {
        const document = await run(fired.run!.id);
        return document.status === 'succeeded' ? document : undefined;
      },
      60_000,
      'the scheduled run to finish',
    );
    expect(strongRun.datasets).toEqual([expect.objectContaining({ nodeId: 'source', name: 'cancer', version: 2 })]);
    expect(strongRun.params).toMatchObject({ features: allFeatures });
    const accuracy = strongRun.nodes.metrics.metrics!.accuracy as number;
    const rows = strongRun.nodes.metrics.metrics!.rows as number;
    // Both figures on the rows the new run's evaluation saw: the challenger's is that evaluation's own.
    expect(promoted).toMatchObject({ serving: true, promoted: true, trigger: { kind: 'schedule' } });
    expect(promoted.decision).toMatchObject({ policy: 'ifBetter', metric: 'accuracy', rows, champion: { version: 1 } });
    expect(promoted.decision!.challenger).toBeCloseTo(accuracy, 10);
    expect(promoted.decision!.challenger! - promoted.decision!.champion!.value).toBeGreaterThan(0.2);

    // The strong schedule is paused; a second schedule on the dataset trains on the weak column again.
    expect((await api(server, 'PATCH', `/schedules/${strong.body.id}`, { paused: true })).status).toBe(200);
    const weakSchedule = await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline}/schedules`, {
      onDataset: 'cancer',
    });
    // Rows posted by a script make version 3.
    const [header, ...lines] = csv.trim().split('\n');
    const appended = await api<{ version: number }>(
      server,
      'POST',
      '/datasets/cancer/rows',
      `${header}\n${lines.slice(0, 20).join('\n')}\n`,
      'text/csv',
    );
    expect(appended.body.version).toBe(3);
    const refused = await published(3);
    expect(await firings(strong.body.id)).toHaveLength(1);
    const [weakFired] = await firings(weakSchedule.body.id);
    expect(weakFired).toMatchObject({ trigger: { kind: 'dataset', version: 3 } });
    expect(refused).toMatchObject({ serving: false, promoted: false, runId: weakFired.run!.id });
    expect(refused.decision).toMatchObject({ promoted: false, champion: { version: 2 } });
    expect(refused.decision!.champion!.value - refused.decision!.challenger!).toBeGreaterThan(0.2);
    expect(refused.reason).toMatch(
      /^accuracy 0\.\d{4} against v2's 0\.9\d{3} on the \d+ rows "metrics" evaluated: worse by /,
    );

    const history = await versions();
    expect(history.map((v) => [v.version, v.serving, v.promoted])).toEqual([
      [3, false, false],
      [2, true, true],
      [1, false, true],
    ]);
    const live = await api<{ activeVersion: number }>(server, 'GET', '/deployments/cancer-live');
    expect(live.body.activeVersion).toBe(2);
  });
});
