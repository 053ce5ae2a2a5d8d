import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  apiErrorBodySchema,
  apiKeyListSchema,
  apiKeySummarySchema,
  auditEventSchema,
  loginAnswerSchema,
  meSchema,
  memberSummarySchema,
  userSummarySchema,
  userWithPasswordSchema,
  workspaceSummarySchema,
  batchJobSchema,
  canaryComparisonListSchema,
  createdApiKeySchema,
  datasetListSchema,
  datasetSummarySchema,
  datasetVersionSummarySchema,
  deployResultSchema,
  deploymentDetailSchema,
  deploymentListSchema,
  deploymentSummarySchema,
  deploymentVersionListSchema,
  keyRevealListSchema,
  pageSchema,
  pipelineSummarySchema,
  pipelineVersionSummarySchema,
  predictionErrorBodySchema,
  predictionResponseSchema,
  runDocumentSchema,
  runEventListSchema,
  runEventSchema,
  runSummarySchema,
  scheduleSchema,
  firingSchema,
  healthAnswerSchema,
  instantiatedPipelineSchema,
  templateDetailSchema,
  templateSummarySchema,
  workerInfoSchema,
  startedRunSchema,
  storedPipelineSchema,
  tablePreviewSchema,
  validationAnswerSchema,
  versionFiguresListSchema,
  type RunEvent,
} from '../../nodes/dist/contracts/index.js';
import { deployingPipeline } from './example-pipelines.js';
import { api, startTestServer, uploadDataset, waitFor, type Identity, type TestServer } from './test-environment.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The body satisfies the contract schema, or the test fails naming every field that does not (a field the
 * server sends that the contract lacks is one: the response schemas are strict).
 */
function expectContract<S extends z.ZodType>(schema: S, answer: { status: number; body: unknown }, route: string) {
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new Error(`${route} answered ${answer.status} off its contract:\n${problems.join('\n')}`);
  }
  return parsed.data as z.infer<S>;
}

/** GET (or any method) with the answer held to its contract and its status checked. */
async function call<S extends z.ZodType>(
  identity: Identity,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  schema: S,
  status: number,
  body?: unknown,
): Promise<z.infer<S>> {
  const answer = await api(identity, method, path, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  return expectContract(schema, answer, `${method} ${path}`);
}

describe('every answer keeps to the API contract (nodes/contracts), on a real server and database', () => {
  let server: TestServer;
  let editor: Identity;
  let pipelineId: string;
  let runId: string;
  const socketEvents: RunEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    editor = await server.as('editor');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('pipelines: list, create, read, save, versions, validate', async () => {
    const created = await call(editor, 'POST', '/pipelines', storedPipelineSchema, 201, deployingPipeline());
    pipelineId = created.id;
    await call(editor, 'GET', `/pipelines/${pipelineId}`, storedPipelineSchema, 200);
    await call(editor, 'PUT', `/pipelines/${pipelineId}`, storedPipelineSchema, 200, {
      ...deployingPipeline(),
      name: 'contract test',
    });
    const list = await call(editor, 'GET', '/pipelines', pageSchema(pipelineSummarySchema), 200);
    expect(list.items.map((p) => p.id)).toContain(pipelineId);
    const versions = await call(
      editor,
      'GET',
      `/pipelines/${pipelineId}/versions`,
      pageSchema(pipelineVersionSummarySchema),
      200,
    );
    expect(versions.total).toBe(2);
    await call(editor, 'GET', `/pipelines/${pipelineId}/versions/1`, storedPipelineSchema, 200);
    const valid = await call(editor, 'POST', '/pipelines/validate', validationAnswerSchema, 200, deployingPipeline());
    expect(valid).toEqual({ ok: true, issues: [] });
    const broken = deployingPipeline();
    broken.nodes[0].type = 'source.nope';
    const invalid = await call(editor, 'POST', '/pipelines/validate', validationAnswerSchema, 200, broken);
    expect(invalid.ok).toBe(false);
    expect(invalid.issues[0]).toMatchObject({ code: 'unknown-node-type', nodeId: broken.nodes[0].id });
  });

  it('errors: a missing pipeline, a bad body, an invalid pipeline file', async () => {
    const missing = await api(editor, 'GET', '/pipelines/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expectContract(apiErrorBodySchema, missing, 'GET /pipelines/:id');
    const badPage = await api(editor, 'GET', '/pipelines?limit=0');
    expect(badPage.status).toBe(400);
    expectContract(apiErrorBodySchema, badPage, 'GET /pipelines?limit=0');
    const file = deployingPipeline();
    const broken = { ...file, nodes: file.nodes.map((n) => (n.id === 'split' ? { ...n, colour: 'red' } : n)) };
    const refused = await api(editor, 'POST', '/pipelines', broken);
    expect(refused.status).toBe(400);
    const body = expectContract(apiErrorBodySchema, refused, 'POST /pipelines');
    expect(body.error).toMatchObject({ code: 'pipeline-invalid', nodeId: 'split' });
  });

  it('runs: start, the run document, its events (stored and over Socket.IO), the list, a preview', async () => {
    const socket = io(`${server.url}/runs`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: editor.token },
    });
    try {
      socket.on('run-event', (event: RunEvent) => socketEvents.push(event));
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', () => resolve());
        socket.on('connect_error', reject);
      });
      runId = (await call(editor, 'POST', `/pipelines/${pipelineId}/runs`, startedRunSchema, 201, {})).id;
      socket.emit('subscribe', { runId, afterSeq: 0 });
      const finished = await waitFor(
        async () => {
          const run = await call(editor, 'GET', `/runs/${runId}`, runDocumentSchema, 200);
          if (run.status === 'failed') throw new Error(`the run failed: ${JSON.stringify(run.nodes)}`);
          return run.status === 'succeeded' ? run : undefined;
        },
        120_000,
        'the run to succeed',
      );
      expect(finished.trigger).toMatchObject({ kind: 'user' });
      // The auto-deploy's outcome follows the run's end as its own event.
      const stored = await waitFor(
        async () => {
          const events = await call(editor, 'GET', `/runs/${runId}/events`, runEventListSchema, 200);
          return events.items.some((event) => event.type === 'deployment') ? events : undefined;
        },
        30_000,
        'the deployment event',
      );
      const types = new Set(stored.items.map((event) => event.type));
      for (const type of ['run-started', 'node-queued', 'node-started', 'node-finished', 'run-finished', 'deployment'])
        expect(types, type).toContain(type);
      await waitFor(async () => socketEvents.length >= stored.items.length || undefined, 10_000, 'the socket events');
      for (const event of socketEvents) expectContract(runEventSchema, { status: 200, body: event }, 'run-event');
    } finally {
      socket.disconnect();
    }
    const runs = await call(editor, 'GET', `/pipelines/${pipelineId}/runs`, pageSchema(runSummarySchema), 200);
    expect(runs.items.map((run) => run.id)).toContain(runId);
    const preview = await call(editor, 'GET', `/runs/${runId}/nodes/split/preview?port=train`, tablePreviewSchema, 200);
    expect(preview.rows.length).toBeGreaterThan(0);
    const reveals = await call(editor, 'POST', `/runs/${runId}/key-reveals`, keyRevealListSchema, 200, {});
    expect(reveals.items).toEqual([]);
  });

  it('a preview of whole numbers past 2^53 answers them as exact text, not a failed request', async () => {
    const upload = await uploadDataset(editor, 'small.csv', 'a\n1\n2\n');
    const dataset = expectContract(datasetVersionSummarySchema, upload, 'POST /datasets');
    const file = {
      format: 'pipewright/v1',
      name: 'big numbers',
      nodes: [
        { id: 'src', type: 'source.csv', params: { path: dataset.path } },
        { id: 'sql', type: 'clean.sql', params: { query: 'SELECT a, 9007199254740993::BIGINT AS big FROM input' } },
      ],
      edges: [{ from: 'src.out', to: 'sql.in' }],
    };
    const pipeline = await call(editor, 'POST', '/pipelines', storedPipelineSchema, 201, file);
    const run = await call(editor, 'POST', `/pipelines/${pipeline.id}/runs`, startedRunSchema, 201, {});
    await waitFor(
      async () => {
        const document = await call(editor, 'GET', `/runs/${run.id}`, runDocumentSchema, 200);
        if (document.status === 'failed') throw new Error(`the run failed: ${JSON.stringify(document.nodes)}`);
        return document.status === 'succeeded' || undefined;
      },
      60_000,
      'the run to succeed',
    );
    const preview = await call(editor, 'GET', `/runs/${run.id}/nodes/sql/preview`, tablePreviewSchema, 200);
    expect(preview.rows).toEqual([
      { a: 1, big: '9007199254740993' },
      { a: 2, big: '9007199254740993' },
    ]);
  });

  it('deployments: list, detail, versions, keys, promote, figures, a batch, predictions', async () => {
    const published = await waitFor(
      async () => {
        const list = await call(editor, 'GET', '/deployments', deploymentListSchema, 200);
        return list.items.find((deployment) => deployment.name === 'breast-cancer');
      },
      30_000,
      'the auto-deployment',
    );
    expect(published.activeVersion).toBe(1);
    const byHand = await call(server, 'POST', '/deployments', deployResultSchema, 201, {
      runId,
      nodeId: 'train',
      name: 'contract',
    });
    expect(byHand.apiKey).toMatch(/^pwk_/);
    const detail = await call(server, 'GET', '/deployments/contract', deploymentDetailSchema, 200);
    expect(detail.keys).toHaveLength(1);
    expect(detail.versionList[0].classes).toEqual(['benign', 'malignant']);
    const asEditor = await call(editor, 'GET', '/deployments/contract', deploymentDetailSchema, 200);
    expect(asEditor.keys).toBeUndefined();
    await call(editor, 'GET', '/deployments/contract/versions', deploymentVersionListSchema, 200);
    const key = await call(server, 'POST', '/deployments/contract/keys', createdApiKeySchema, 201, {
      name: 'second',
      rateLimitPerSecond: 50,
    });
    expect(key.rateLimitPerSecond).toBe(50);
    const keys = await call(server, 'GET', '/deployments/contract/keys', apiKeyListSchema, 200);
    expect(keys.items.map((k) => k.rateLimitPerSecond)).toContain(50);
    const revoked = await call(server, 'DELETE', `/deployments/contract/keys/${key.id}`, apiKeySummarySchema, 200);
    expect(revoked.revokedAt).not.toBeNull();
    await call(server, 'POST', '/deployments/contract/promote', deploymentSummarySchema, 200, { version: 1 });

    const rows = [{ 'mean radius': 14 }];
    const predict = (body: unknown) =>
      fetch(`${server.url}/api/predict/contract`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${byHand.apiKey}` },
        body: JSON.stringify(body),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));
    const refused = await predict({ rows });
    expect(refused.status).toBe(400);
    expectContract(predictionErrorBodySchema, refused, 'POST /predict/contract');
    const inputs = detail.versionList[0].inputs;
    const row = Object.fromEntries(inputs.map((input) => [input.name, input.type === 'number' ? 1 : 'x']));
    const answered = await predict({ rows: [row] });
    expect(answered.status).toBe(200);
    expect(expectContract(predictionResponseSchema, answered, 'POST /predict/contract').predictions).toHaveLength(1);
    const figures = await call(editor, 'GET', '/deployments/contract/metrics', versionFiguresListSchema, 200);
    expect(figures.items[0].requests).toBeGreaterThan(0);

    // A second version, which an admin's deploy makes serve, and the first as a canary taking every request:
    // each is compared with the version that serves.
    // (The same run's model, from its deploy.service node: the same node again is the same version.)
    const second = await call(server, 'POST', '/deployments', deployResultSchema, 201, {
      runId,
      nodeId: 'deploy',
      name: 'contract',
    });
    expect(second.version).toBe(2);
    const canary = await call(server, 'PUT', '/deployments/contract/canary', deploymentSummarySchema, 200, {
      version: 1,
      share: 1,
    });
    expect(canary).toMatchObject({ activeVersion: 2, canary: { version: 1, share: 1 } });
    expect((await predict({ rows: [row, row] })).status).toBe(200);
    const compared = await waitFor(async () => {
      const list = await call(editor, 'GET', '/deployments/contract/comparisons', canaryComparisonListSchema, 200);
      return list.items.length > 0 ? list.items : undefined;
    });
    expect(compared[0]).toMatchObject({ servedVersion: 1, otherVersion: 2, rows: 2 });
    await call(server, 'DELETE', '/deployments/contract/canary', deploymentSummarySchema, 200);

    const csv = await readFile(`${repoRoot}test/fixtures/data/splits/breast_cancer.test.csv`);
    const upload = await uploadDataset(editor, 'contract-batch.csv', csv);
    const dataset = expectContract(datasetVersionSummarySchema, upload, 'POST /datasets');
    const started = await call(editor, 'POST', '/deployments/contract/batch', batchJobSchema, 202, {
      dataset: dataset.id,
    });
    const done = await waitFor(
      async () => {
        const job = await call(editor, 'GET', `/deployments/contract/batch/${started.id}`, batchJobSchema, 200);
        return job.status === 'running' ? undefined : job;
      },
      60_000,
      'the batch',
    );
    expect(done.status).toBe('succeeded');
  });

  it('datasets: upload, a new version with other columns, the list, one, its versions', async () => {
    const first = await uploadDataset(editor, 'shapes.csv', 'a,b\n1,x\n2,y\n', 'shapes');
    expect(first.status).toBe(201);
    expectContract(datasetVersionSummarySchema, first, 'POST /datasets');
    const second = await uploadDataset(editor, 'shapes-2.csv', 'a,c\n1,true\n2,false\n', 'shapes');
    const version = expectContract(datasetVersionSummarySchema, second, 'POST /datasets');
    expect(version.schemaChange?.added.map((c) => c.name)).toEqual(['c']);
    const list = await call(editor, 'GET', '/datasets', datasetListSchema, 200);
    expect(list.items.map((d) => d.name)).toContain('shapes');
    await call(editor, 'GET', '/datasets/shapes', datasetSummarySchema, 200);
    const versions = await call(
      editor,
      'GET',
      '/datasets/shapes/versions',
      pageSchema(datasetVersionSummarySchema),
      200,
    );
    expect(versions.total).toBe(2);
  });

  it('templates, schedules and workers: the gallery, a saved template and its pipeline, a schedule, the workers', async () => {
    const gallery = await call(editor, 'GET', '/templates', pageSchema(templateSummarySchema), 200);
    expect(gallery.items.some((template) => template.gallery)).toBe(true);
    await call(editor, 'GET', `/templates/${gallery.items[0].id}`, templateDetailSchema, 200);
    const saved = await call(editor, 'POST', `/pipelines/${pipelineId}/template`, templateDetailSchema, 201, {
      name: 'Contract template',
    });
    expect(saved.versions).toHaveLength(1);
    const made = await call(editor, 'POST', `/templates/${saved.id}/instantiate`, instantiatedPipelineSchema, 201, {});
    await call(editor, 'GET', `/pipelines/${made.id}`, storedPipelineSchema, 200);

    const schedule = await call(editor, 'POST', `/pipelines/${pipelineId}/schedules`, scheduleSchema, 201, {
      cron: '0 6 * * *',
      timezone: 'Europe/Paris',
    });
    expect(schedule.nextFireAt).not.toBeNull();
    const paused = await call(editor, 'PATCH', `/schedules/${schedule.id}`, scheduleSchema, 200, { paused: true });
    expect(paused.nextFireAt).toBeNull();
    const schedules = await call(editor, 'GET', `/pipelines/${pipelineId}/schedules`, pageSchema(scheduleSchema), 200);
    expect(schedules.items.map((s) => s.id)).toEqual([schedule.id]);
    await call(editor, 'GET', `/schedules/${schedule.id}/runs`, pageSchema(firingSchema), 200);

    const workers = await call(editor, 'GET', '/workers', pageSchema(workerInfoSchema), 200);
    expect(workers.items.filter((worker) => worker.live)).toHaveLength(1);
    const health = await call({ url: server.url }, 'GET', '/health', healthAnswerSchema, 200);
    expect(health).toMatchObject({ status: 'ok', workers: 1 });
  });

  it('people: me, a login, users, workspaces, members, a switch, the audit log', async () => {
    const me = await call(editor, 'GET', '/auth/me', meSchema, 200);
    expect(me.user.role).toBe('editor');
    const login = await call(server, 'POST', '/auth/login', loginAnswerSchema, 200, server.admin);
    expect(login.user.instanceAdmin).toBe(true);

    const made = await call(server, 'POST', '/users', userWithPasswordSchema, 201, {
      email: 'contract@pipewright.test',
      role: 'viewer',
    });
    expect(made.oneTimePassword).toBeDefined();
    await call(server, 'POST', `/users/${made.id}/password`, userWithPasswordSchema, 200);
    await call(server, 'PATCH', `/users/${made.id}`, userSummarySchema, 200, { disabled: true });
    const users = await call(server, 'GET', '/users', pageSchema(userSummarySchema), 200);
    expect(users.items.map((user) => user.email)).toContain('contract@pipewright.test');

    const team = await call(server, 'POST', '/workspaces', workspaceSummarySchema, 201, { name: 'Contract team' });
    await call(server, 'PATCH', `/workspaces/${team.id}`, workspaceSummarySchema, 200, { name: 'Contract team 2' });
    await call(server, 'GET', '/workspaces', pageSchema(workspaceSummarySchema), 200);
    const member = await call(server, 'POST', `/workspaces/${team.id}/members`, memberSummarySchema, 201, {
      email: me.user.email,
      role: 'viewer',
    });
    await call(server, 'PATCH', `/workspaces/${team.id}/members/${member.userId}`, memberSummarySchema, 200, {
      role: 'editor',
    });
    await call(server, 'GET', `/workspaces/${team.id}/members`, pageSchema(memberSummarySchema), 200);
    const switched = await call(editor, 'POST', '/auth/workspace', meSchema, 200, { workspaceId: team.id });
    expect(switched.user.workspaceId).toBe(team.id);
    await call(editor, 'POST', '/auth/workspace', meSchema, 200, { workspaceId: me.user.workspaceId });

    const audit = await call(server, 'GET', '/audit?limit=500', pageSchema(auditEventSchema), 200);
    expect(audit.items.map((event) => event.action)).toEqual(
      expect.arrayContaining(['user.created', 'workspace.created', 'member.added', 'run.started', 'key.created']),
    );
  });

  it('the check fails on an answer off its contract: a field missing, one it does not name, a wrong type', () => {
    const summary = {
      name: 'd',
      activeVersion: 1,
      versions: 1,
      canary: null,
      algorithm: 'logistic',
      task: 'classification',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(() => expectContract(deploymentSummarySchema, { status: 200, body: summary }, 'x')).not.toThrow();
    const { updatedAt: _dropped, ...missing } = summary;
    expect(() => expectContract(deploymentSummarySchema, { status: 200, body: missing }, 'x')).toThrow(/updatedAt/);
    expect(() =>
      expectContract(deploymentSummarySchema, { status: 200, body: { ...summary, owner: 'x' } }, 'x'),
    ).toThrow(/owner/);
    expect(() =>
      expectContract(deploymentSummarySchema, { status: 200, body: { ...summary, createdAt: 'yesterday' } }, 'x'),
    ).toThrow(/createdAt/);
  });
});
