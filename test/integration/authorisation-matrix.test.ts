import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../nodes/dist/index.js';
import {
  AUTHORISATION_RULES,
  CALLERS,
  templateFile,
  type Fixtures,
  type MatrixCaller,
  type MatrixRequest,
  type Outcome,
} from './authorisation-rules.js';
import { breastCancerPipeline } from './example-pipelines.js';
import {
  api,
  logIn,
  mountedRoutes,
  startTestServer,
  uploadDataset,
  waitFor,
  type Identity,
  type TestServer,
} from './test-environment.js';

const breastCancerCsv = fileURLToPath(new URL('../../examples/data/breast_cancer.csv', import.meta.url));

function matches(outcome: Outcome, status: number): boolean {
  return outcome === 'ok' ? status >= 200 && status < 300 : status === outcome;
}

/**
 * Issue 11 ("What it must show", 3): every route of the running server,
 * called as an admin, an editor and a viewer of workspace A, the admin of
 * another workspace, nobody, and an instance admin, answers what its rule in
 * authorisation-rules.ts says; no answer to B's admin carries anything of A.
 */
describe('the authorisation matrix', () => {
  let server: TestServer;
  let fx: Fixtures;
  /** What belongs to A and must never reach B's admin. */
  let secretsOfA: string[];

  beforeAll(async () => {
    server = await startTestServer();
    const root = server as Identity;
    let counter = 0;
    const name = (prefix: string) => `${prefix}-${++counter}`;
    const workspaceA = (await api<{ id: string }>(root, 'POST', '/workspaces', { name: 'Alpha' })).body.id;
    const workspaceB = (await api<{ id: string }>(root, 'POST', '/workspaces', { name: 'Beta' })).body.id;
    const makeUser = async (role: string, workspaceId: string) => {
      const credentials = { email: `${name(role)}@matrix.test`, password: `a sound passphrase ${counter}` };
      const created = await api<{ id: string }>(root, 'POST', '/users', { ...credentials, role, workspaceId });
      if (created.status !== 201) throw new Error(JSON.stringify(created.body));
      return { ...credentials, id: created.body.id };
    };
    const credentials = {
      admin: await makeUser('admin', workspaceA),
      editor: await makeUser('editor', workspaceA),
      viewer: await makeUser('viewer', workspaceA),
      other: await makeUser('admin', workspaceB),
      instance: server.admin,
    };
    const session = async (caller: MatrixCaller): Promise<Identity> => {
      if (caller === 'anonymous') return { url: server.url };
      const identity = {
        url: server.url,
        token: await logIn(server, credentials[caller].email, credentials[caller].password),
      };
      // The instance admin works in A too, where the objects are.
      if (caller === 'instance') await api(identity, 'POST', '/auth/workspace', { workspaceId: workspaceA });
      return identity;
    };
    const identities = {} as Record<MatrixCaller, Identity>;
    for (const caller of CALLERS) identities[caller] = await session(caller);
    const adminA = identities.admin;

    const pipelineId = (await api<{ id: string }>(adminA, 'POST', '/pipelines', breastCancerPipeline())).body.id;
    const run = async () => {
      const started = await api<{ id: string }>(adminA, 'POST', `/pipelines/${pipelineId}/runs`, {});
      await waitFor(async () => {
        const { body } = await api<RunDocument>(adminA, 'GET', `/runs/${started.body.id}`);
        return body.status === 'succeeded' ? true : undefined;
      });
      return started.body.id;
    };
    const runId = await run();
    const deployment = 'alpha-model';
    await api(adminA, 'POST', '/deployments', { runId, nodeId: 'train', name: deployment });
    await api(adminA, 'POST', '/deployments', { runId: await run(), nodeId: 'train', name: deployment });
    const dataset = await uploadDataset<{ id: string }>(adminA, 'breast_cancer.csv', await readFile(breastCancerCsv));
    const key = await api<{ id: string }>(adminA, 'POST', `/deployments/${deployment}/keys`, { name: 'fixture' });
    const batch = await api<{ id: string }>(adminA, 'POST', `/deployments/${deployment}/batch`, {
      dataset: dataset.body.id,
    });
    expect([key.status, batch.status]).toEqual([201, 202]);
    const schedule = async () =>
      (
        await api<{ id: string }>(adminA, 'POST', `/pipelines/${pipelineId}/schedules`, {
          cron: '0 6 * * *',
          paused: true,
        })
      ).body.id;
    const scheduleId = await schedule();
    const template = async () =>
      (await api<{ id: string }>(adminA, 'POST', '/templates', templateFile(name('template')))).body.id;
    const templateId = await template();
    const templates = await api<{ items: { id: string; gallery: boolean }[] }>(adminA, 'GET', '/templates');
    const galleryTemplateId = templates.body.items.find((t) => t.gallery)?.id as string;

    fx = {
      workspaceA,
      workspaceB,
      pipelineId,
      runId,
      datasetId: dataset.body.id,
      datasetName: 'breast_cancer.csv',
      scheduleId,
      templateId,
      galleryTemplateId,
      deployment,
      keyId: key.body.id,
      batchId: batch.body.id,
      identities,
      credentials,
      fresh: {
        pipeline: async () => (await api<{ id: string }>(adminA, 'POST', '/pipelines', breastCancerPipeline())).body.id,
        dataset: async () => (await uploadDataset<{ id: string }>(adminA, `${name('data')}.csv`, 'a,b\n1,2\n')).body.id,
        namedDataset: async () => {
          const fresh = `${name('data')}.csv`;
          await uploadDataset(adminA, fresh, 'a,b\n1,2\n');
          return fresh;
        },
        schedule,
        template,
        deployment: async () => {
          const fresh = name('model');
          await api(adminA, 'POST', '/deployments', { runId, nodeId: 'train', name: fresh });
          return fresh;
        },
        key: async () =>
          (await api<{ id: string }>(adminA, 'POST', `/deployments/${deployment}/keys`, { name: name('key') })).body.id,
        userOfA: () => makeUser('editor', workspaceA),
        userOfB: () => makeUser('editor', workspaceB),
        session,
        lookalike: async (caller) => {
          if (caller === 'anonymous') return { url: server.url, password: '' };
          const workspace = caller === 'other' ? workspaceB : workspaceA;
          const role = caller === 'instance' || caller === 'other' ? 'admin' : caller;
          const user = await makeUser(role, workspace);
          if (caller === 'instance') await api(root, 'PATCH', `/users/${user.id}`, { instanceAdmin: true });
          return { url: server.url, token: await logIn(server, user.email, user.password), password: user.password };
        },
        name,
      },
    };
    secretsOfA = [
      workspaceA,
      '"Alpha"',
      pipelineId,
      runId,
      dataset.body.id,
      scheduleId,
      templateId,
      deployment,
      key.body.id,
      batch.body.id,
      credentials.admin.email,
      credentials.editor.email,
      credentials.viewer.email,
    ];
  });
  afterAll(async () => {
    await server?.close();
  });

  it('has a rule for every route the server answers, and none for a route it does not', () => {
    const routes = mountedRoutes(server);
    expect(routes.length).toBeGreaterThan(40);
    expect(
      routes.filter((route) => !AUTHORISATION_RULES[route]),
      'routes without a rule',
    ).toEqual([]);
    expect(
      Object.keys(AUTHORISATION_RULES).filter((route) => !routes.includes(route)),
      'rules of no route',
    ).toEqual([]);
  });

  it('answers every route, for each caller, as its rule says, and tells B nothing of A', async () => {
    const mismatches: string[] = [];
    for (const route of mountedRoutes(server)) {
      const rule = AUTHORISATION_RULES[route];
      if (!rule) continue;
      const method = route.split(' ')[0] as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      for (const caller of CALLERS) {
        const expected: Outcome =
          rule.expect[caller] ?? (caller === 'anonymous' ? 401 : caller === 'instance' ? rule.expect.admin! : 401);
        const request: MatrixRequest = await rule.request(fx, caller);
        const identity = request.as ?? fx.identities[caller];
        const answer =
          'send' in request ? await request.send(identity) : await api(identity, method, request.path, request.body);
        if (!matches(expected, answer.status)) {
          const path = 'path' in request ? request.path : '';
          mismatches.push(
            `${route} as ${caller}: expected ${expected}, got ${answer.status} (${method} ${path}) ${JSON.stringify(answer.body)?.slice(0, 200)}`,
          );
        }
        if (caller === 'other' && answer.status < 300) {
          const text = JSON.stringify(answer.body) ?? '';
          const leaked = secretsOfA.filter((secret) => text.includes(secret));
          if (leaked.length) mismatches.push(`${route} as other: its answer carries A's ${leaked.join(', ')}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
