import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PipelineFile, RunDocument } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/dist/application.js';
import { readSettings } from '../../server/dist/config/settings.js';
import { ScheduleTriggers } from '../../server/dist/schedules/schedule-triggers.js';
import {
  api,
  logIn,
  startTestServer,
  uploadDataset,
  waitFor,
  type Identity,
  type TestServer,
} from './test-environment.js';

const irisPath = fileURLToPath(new URL('../fixtures/data/iris.csv', import.meta.url));

interface Schedule {
  id: string;
  cron: string | null;
  timezone: string;
  onDataset: string | null;
  params: Record<string, unknown>;
  paused: boolean;
  nextFireAt: string | null;
}

interface Firing {
  id: string;
  firedAt: string;
  trigger: RunDocument['trigger'];
  outcome: 'started' | 'held' | 'failed';
  reason: string | null;
  run: { id: string; status: string } | null;
}

interface ErrorBody {
  error: { code: string; message: string; param?: string };
}

/** Reads a dataset, splits it and trains a logistic regression on it: a small retraining pipeline. */
function retraining(dataset: string): PipelineFile {
  return {
    format: 'pipewright/v1',
    name: `retrain on ${dataset}`,
    params: { seed: 1, epochs: 30 },
    nodes: [
      { id: 'src', type: 'source.csv', params: { dataset }, position: { x: 0, y: 0 } },
      {
        id: 'split',
        type: 'split.random',
        params: { seed: { $param: 'seed' }, stratify: 'species' },
        position: { x: 280, y: 0 },
      },
      {
        id: 'train',
        type: 'train.logistic',
        params: { label: 'species', epochs: { $param: 'epochs' } },
        position: { x: 560, y: 0 },
      },
      { id: 'score', type: 'evaluate.score', params: {}, position: { x: 840, y: 0 } },
      { id: 'metrics', type: 'evaluate.classification', params: { label: 'species' }, position: { x: 1120, y: 0 } },
    ],
    edges: [
      { from: 'src.out', to: 'split.in' },
      { from: 'split.train', to: 'train.in' },
      { from: 'train.model', to: 'score.model' },
      { from: 'split.test', to: 'score.in' },
      { from: 'score.out', to: 'metrics.in' },
    ],
  };
}

describe('schedules and triggers', () => {
  let server: TestServer;
  let iris: string;

  beforeAll(async () => {
    // Cron schedules are checked every second here (30 s by default).
    server = await startTestServer({ env: { PIPEWRIGHT_SCHEDULE_CHECK_SECONDS: '1' } });
    const [, ...rows] = (await readFile(irisPath, 'utf8')).trim().split('\n');
    iris = `${['sepal_length,sepal_width,petal_length,petal_width,species', ...rows].join('\n')}\n`;
  });
  afterAll(async () => {
    await server?.close();
  });

  const pipeline = async (file: PipelineFile, who: Identity = server): Promise<string> =>
    (await api<{ id: string }>(who, 'POST', '/pipelines', file)).body.id;
  const firings = async (scheduleId: string, who: Identity = server): Promise<Firing[]> =>
    (await api<{ items: Firing[] }>(who, 'GET', `/schedules/${scheduleId}/runs`)).body.items;
  const finishedRun = (runId: string) =>
    waitFor(
      async () => {
        const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      120_000,
      `run ${runId} to finish`,
    );

  it('validates cron, time zone, dataset and params, naming what is wrong', async () => {
    await uploadDataset(server, 'iris.csv', iris, 'iris');
    const id = await pipeline(retraining('iris'));
    const refused = async (body: unknown) => {
      const answer = await api<ErrorBody>(server, 'POST', `/pipelines/${id}/schedules`, body);
      expect(answer.status).toBe(400);
      return answer.body.error;
    };
    expect(await refused({ cron: '0 6 * *' })).toMatchObject({
      param: 'cron',
      message: expect.stringContaining('write five fields — minute hour day-of-month month day-of-week'),
    });
    expect(await refused({ cron: '61 6 * * *' })).toMatchObject({ param: 'cron' });
    expect(await refused({ cron: '0 6 * * *', timezone: 'Mars/Olympus' })).toMatchObject({
      param: 'timezone',
      message:
        'timezone "Mars/Olympus" is not a time zone: use an IANA name such as UTC, Europe/Paris or America/New_York',
    });
    expect(await refused({ cron: '0 6 * * *', onDataset: 'iris' })).toMatchObject({ param: 'cron' });
    expect(await refused({})).toMatchObject({ message: expect.stringContaining('give "cron"') });
    expect(await refused({ onDataset: 'missing' })).toMatchObject({
      param: 'onDataset',
      message: expect.stringContaining('dataset "missing" does not exist in this workspace'),
    });
    expect(await refused({ cron: '0 6 * * *', params: { learningRate: 0.1 } })).toMatchObject({
      param: 'learningRate',
      message: 'params.learningRate: the pipeline has no param "learningRate" (its params: seed, epochs)',
    });
    expect(await refused({ cron: '0 6 * * *', params: { epochs: 'many' } })).toMatchObject({
      param: 'epochs',
      message: expect.stringContaining('node "train"'),
    });
    const viewer = await server.as('viewer');
    expect((await api(viewer, 'POST', `/pipelines/${id}/schedules`, { cron: '0 6 * * *' })).status).toBe(403);
    expect((await api<{ total: number }>(server, 'GET', `/pipelines/${id}/schedules`)).body.total).toBe(0);
  });

  it('keeps a cron schedule in its time zone, shows its next fire time, and pauses, resumes and deletes it', async () => {
    const id = await pipeline(retraining('iris'));
    const created = await api<Schedule>(server, 'POST', `/pipelines/${id}/schedules`, {
      cron: '30 6 * * 1-5',
      timezone: 'Europe/Paris',
      params: { seed: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cron: '30 6 * * 1-5', timezone: 'Europe/Paris', paused: false });
    const next = new Date(created.body.nextFireAt as string);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    }).format(next);
    expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 06:30$/);

    const paused = await api<Schedule>(server, 'PATCH', `/schedules/${created.body.id}`, { paused: true });
    expect(paused.body).toMatchObject({ paused: true, nextFireAt: null });
    const resumed = await api<Schedule>(server, 'PATCH', `/schedules/${created.body.id}`, {
      paused: false,
      cron: '0 7 * * *',
    });
    expect(resumed.body).toMatchObject({ paused: false, cron: '0 7 * * *', params: { seed: 3 } });
    expect(resumed.body.nextFireAt).not.toBeNull();
    expect((await api<{ items: Schedule[] }>(server, 'GET', `/pipelines/${id}/schedules`)).body.items).toHaveLength(1);
    await api(server, 'PATCH', `/schedules/${created.body.id}`, { paused: true });
    await api(server, 'PATCH', `/schedules/${created.body.id}`, { paused: false });
    expect((await api(server, 'DELETE', `/schedules/${created.body.id}`)).status).toBe(204);
    expect((await api(server, 'GET', `/schedules/${created.body.id}`)).status).toBe(404);

    // Who made, changed, paused, resumed and deleted it, in the audit log.
    const audit = await api<{ items: { action: string; actor: { name: string }; details: Record<string, unknown> }[] }>(
      server,
      'GET',
      `/audit?object=schedule:${created.body.id}`,
    );
    expect(audit.body.items.map((event) => event.action).reverse()).toEqual([
      'schedule.created',
      'schedule.paused',
      'schedule.changed',
      'schedule.paused',
      'schedule.resumed',
      'schedule.deleted',
    ]);
    expect(audit.body.items.every((event) => event.actor.name === server.admin.email)).toBe(true);
    expect(audit.body.items.find((event) => event.action === 'schedule.changed')?.details).toMatchObject({
      before: { cron: '30 6 * * 1-5', paused: true },
      after: { cron: '0 7 * * *', paused: false },
    });
  });

  it('retrains when the dataset gets a new version: the run reads that version, with the schedule’s params', async () => {
    await uploadDataset(server, 'iris.csv', iris, 'flowers');
    const id = await pipeline(retraining('flowers'));
    const schedule = await api<Schedule>(server, 'POST', `/pipelines/${id}/schedules`, {
      onDataset: 'flowers',
      params: { seed: 7 },
    });
    expect(schedule.status).toBe(201);
    expect(schedule.body.nextFireAt).toBeNull();

    // New rows from a script make version 2.
    const appended = await api(server, 'POST', '/datasets/flowers/rows', {
      rows: [{ sepal_length: 5.0, sepal_width: 3.4, petal_length: 1.5, petal_width: 0.2, species: 'setosa' }],
    });
    expect(appended.status).toBe(201);
    const [firing] = await waitFor(
      async () => {
        const items = await firings(schedule.body.id);
        return items.length > 0 ? items : undefined;
      },
      60_000,
      'the schedule to fire',
    );
    expect(firing).toMatchObject({
      outcome: 'started',
      trigger: { kind: 'dataset', scheduleId: schedule.body.id, dataset: 'flowers', version: 2 },
    });
    const run = await finishedRun(firing.run?.id as string);
    expect(run.status).toBe('succeeded');
    expect(run.trigger).toEqual(firing.trigger);
    expect(run.datasets).toEqual([{ nodeId: 'src', name: 'flowers', version: 2 }]);
    expect(run.params).toMatchObject({ seed: 7 });
    expect(run.nodes.metrics.metrics?.accuracy).toBeGreaterThan(0.8);
    const started = await api<{ items: { actor: { name: string }; details: Record<string, unknown> }[] }>(
      server,
      'GET',
      `/audit?action=run.started&object=run:${run.id}`,
    );
    expect(started.body.items).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ name: 'schedule' }),
        details: expect.objectContaining({ trigger: firing.trigger }),
      }),
    ]);

    // A version whose columns changed is held, with the change, until someone looks.
    const withoutWidth = iris
      .trim()
      .split('\n')
      .map((line) =>
        line
          .split(',')
          .filter((_, i) => i !== 1)
          .join(','),
      )
      .join('\n');
    await uploadDataset(server, 'iris-narrow.csv', `${withoutWidth}\n`, 'flowers');
    const held = await waitFor(
      async () => {
        const items = await firings(schedule.body.id);
        return items.length > 1 ? items[0] : undefined;
      },
      60_000,
      'the schedule to fire again',
    );
    expect(held).toMatchObject({ outcome: 'held', run: null, trigger: { kind: 'dataset', version: 3 } });
    expect(held.reason).toBe(
      'not run: dataset "flowers" v3 changed its columns since v2 (removed "sepal_width"); check the pipeline, then run it by hand',
    );

    // Paused, a new version starts nothing.
    await api(server, 'PATCH', `/schedules/${schedule.body.id}`, { paused: true });
    await uploadDataset(server, 'iris-narrow.csv', `${withoutWidth}\n`, 'flowers');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await firings(schedule.body.id)).toHaveLength(2);
  });

  it('fires a cron schedule (every minute, checked every second) and records the run it started', async () => {
    const id = await pipeline(retraining('iris'));
    const schedule = await api<Schedule>(server, 'POST', `/pipelines/${id}/schedules`, { cron: '* * * * *' });
    expect(schedule.status).toBe(201);
    // pg-boss counts an occurrence due for a minute: "every minute" is due at once.
    const [firing] = await waitFor(
      async () => {
        const items = await firings(schedule.body.id);
        return items.length > 0 ? items : undefined;
      },
      90_000,
      'the cron to fire',
    );
    expect(firing).toMatchObject({
      outcome: 'started',
      trigger: { kind: 'schedule', scheduleId: schedule.body.id, cron: '* * * * *', timezone: 'UTC' },
    });
    expect((await finishedRun(firing.run?.id as string)).status).toBe('succeeded');
    await api(server, 'DELETE', `/schedules/${schedule.body.id}`);
  });

  it('fires each occurrence once with two server instances on one database', async () => {
    const second: RunningServer = await startServer({
      settings: readSettings({ ...server.environment.env, PORT: '0' }),
      worker: false,
      logger: ['error'],
      log: () => undefined,
    });
    try {
      const other: Identity = {
        url: second.url,
        token: await logIn(second, server.admin.email, server.admin.password),
      };
      await uploadDataset(server, 'iris.csv', iris, 'petals');
      const id = await pipeline(retraining('petals'));
      const onData = await api<Schedule>(other, 'POST', `/pipelines/${id}/schedules`, { onDataset: 'petals' });
      const cronFrom = Date.now();
      const everyMinute = await api<Schedule>(server, 'POST', `/pipelines/${id}/schedules`, { cron: '* * * * *' });

      // Both instances work the trigger queues and run the cron check every second.
      const versionIds: string[] = [];
      for (let version = 2; version <= 4; version++) {
        const sent = await api<{ id: string }>(version % 2 ? server : other, 'POST', '/datasets/petals/rows', {
          rows: [{ sepal_length: 5, sepal_width: 3, petal_length: 1.4, petal_width: 0.2, species: 'setosa' }],
        });
        expect(sent.status).toBe(201);
        versionIds.push(sent.body.id);
      }
      await waitFor(
        async () => ((await firings(onData.body.id)).length >= 3 ? true : undefined),
        60_000,
        'three dataset firings',
      );
      await waitFor(
        async () => ((await firings(everyMinute.body.id)).length >= 1 ? true : undefined),
        90_000,
        'the cron to fire',
      );
      // The same new version delivered again, to both instances at once (a retried job), starts nothing more.
      const triggers = [server.server.app.get(ScheduleTriggers), second.app.get(ScheduleTriggers)];
      await Promise.all(versionIds.flatMap((versionId) => triggers.map((t) => t.datasetVersionAdded(versionId))));
      // Long enough for both instances to have checked the cron several times over.
      await new Promise((resolve) => setTimeout(resolve, 6000));

      const byData = await firings(onData.body.id, other);
      expect(byData.map((f) => (f.trigger.kind === 'dataset' ? f.trigger.version : 0)).sort()).toEqual([2, 3, 4]);
      expect(byData.every((f) => f.outcome === 'started' && f.run)).toBe(true);
      const runs = await api<{ items: { trigger: RunDocument['trigger'] }[] }>(server, 'GET', `/pipelines/${id}/runs`);
      expect(runs.body.items.filter((run) => run.trigger.kind === 'dataset')).toHaveLength(3);

      const byCron = await firings(everyMinute.body.id);
      // One firing per occurrence: no more firings than minutes the schedule lived in (the minute it was made in
      // fires too), though both instances check the cron every second. (Not the firing times' minutes: a loaded machine records the
      // 12:01 occurrence at 12:02:00.4, in the same minute as 12:02's.)
      const minutesLived = Math.floor(Date.now() / 60_000) - Math.floor(cronFrom / 60_000) + 1;
      expect(byCron.length).toBeGreaterThanOrEqual(1);
      expect(byCron.length, byCron.map((f) => f.firedAt).join(' ')).toBeLessThanOrEqual(minutesLived);
      expect(runs.body.items.filter((run) => run.trigger.kind === 'schedule')).toHaveLength(byCron.length);
      await api(server, 'DELETE', `/schedules/${everyMinute.body.id}`);
    } finally {
      await second.close();
    }
  });
});
