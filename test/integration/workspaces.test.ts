import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, PipelineFile, RunDocument, ServerToClientEvents } from '../../nodes/dist/index.js';
import { startServer, type RunningServer } from '../../server/dist/application.js';
import { readSettings } from '../../server/dist/config/settings.js';
import {
  api,
  createTestEnvironment,
  logIn,
  startTestServer,
  uploadDataset,
  waitFor,
  type Identity,
  type TestEnvironment,
  type TestServer,
} from './test-environment.js';

const iris = fileURLToPath(new URL('../fixtures/data/iris.csv', import.meta.url));
const cli = fileURLToPath(new URL('../../bin/pipewright.mjs', import.meta.url));
const MISSING = '00000000-0000-4000-8000-00000000abcd';

type RunSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
interface ErrorBody {
  error: { code: string; message: string };
}
/** An upload's answer is the new version (`id`) of its dataset (`datasetId`, the id lists show). */
interface Dataset {
  id: string;
  datasetId: string;
  path: string;
}

/** One source.csv node reading `path`: a run of it finishes in a moment. */
function readerPipeline(name: string, path: string): PipelineFile {
  return {
    format: 'pipewright/v1',
    name,
    params: {},
    nodes: [{ id: 'src', type: 'source.csv', params: { path }, position: { x: 0, y: 0 } }],
    edges: [],
  } as PipelineFile;
}

describe('workspaces', () => {
  let server: TestServer;
  /** An editor of the default workspace (the admin's). */
  let home: Identity;
  /** An editor of the second workspace. */
  let other: Identity;
  let otherWorkspaceId: string;
  let dataset: Dataset;
  let pipelineId: string;
  let runId: string;
  const sockets: RunSocket[] = [];

  const finished = (identity: Identity, id: string) =>
    waitFor(
      async () => {
        const { body } = await api<RunDocument>(identity, 'GET', `/runs/${id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      60_000,
      `run ${id} to finish`,
    );

  /** Asserts `path` answers exactly what it answers for an id that never existed. */
  const expectMissing = async (
    identity: Identity,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    id: string,
    body?: unknown,
  ) => {
    const hidden = await api<ErrorBody>(identity, method, path, body);
    const missing = await api<ErrorBody>(identity, method, path.replace(id, MISSING), body);
    expect(missing.status, `${method} ${path} of an unknown id`).toBe(404);
    expect(hidden.status, `${method} ${path}`).toBe(404);
    expect(hidden.body.error.code).toBe(missing.body.error.code);
    expect(hidden.body.error.message).toBe(missing.body.error.message.replace(MISSING, id));
  };

  beforeAll(async () => {
    server = await startTestServer();
    home = await server.as('editor');
    const created = await api<{ id: string; name: string }>(server, 'POST', '/workspaces', { name: 'Team B' });
    expect(created.status).toBe(201);
    otherWorkspaceId = created.body.id;
    const user = { email: 'team-b@pipewright.test', password: 'team b keeps its own secrets' };
    const added = await api(server, 'POST', '/users', { ...user, role: 'editor', workspaceId: otherWorkspaceId });
    expect(added.status).toBe(201);
    other = { url: server.url, token: await logIn(server, user.email, user.password) };

    dataset = (await uploadDataset<Dataset>(home, 'iris.csv', await readFile(iris))).body;
    pipelineId = (await api<{ id: string }>(home, 'POST', '/pipelines', readerPipeline('iris', dataset.path))).body.id;
    runId = (await api<{ id: string }>(home, 'POST', `/pipelines/${pipelineId}/runs`, {})).body.id;
    expect((await finished(home, runId)).status).toBe('succeeded');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
  });

  it('does not ask an admin whose password came from PIPEWRIGHT_ADMIN_PASSWORD to change it', async () => {
    const login = await api<{ user: { mustChangePassword: boolean } }>(server, 'POST', '/auth/login', server.admin);
    expect(login.body.user.mustChangePassword).toBe(false);
    expect((await api(server, 'GET', '/pipelines')).status).toBe(200);
  });

  it('lets admins make and list workspaces and put users in them, refusing bad input', async () => {
    const list = await api<{ items: { id: string; name: string }[]; total: number }>(server, 'GET', '/workspaces');
    expect(list.status).toBe(200);
    expect(list.body.items.map((w) => w.name)).toEqual(['Default', 'Team B']);
    expect(list.body.items[1].id).toBe(otherWorkspaceId);

    // Anyone lists the workspaces they work in (the studio's switcher); only an instance admin makes one.
    const own = await api<{ items: { name: string; role: string }[] }>(home, 'GET', '/workspaces');
    expect(own.body.items).toEqual([expect.objectContaining({ name: 'Default', role: 'editor' })]);
    expect((await api(home, 'POST', '/workspaces', { name: 'Mine' })).status).toBe(403);
    const duplicate = await api<ErrorBody>(server, 'POST', '/workspaces', { name: 'team b' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toBe('a workspace named "team b" already exists');
    expect((await api(server, 'POST', '/workspaces', { name: '  ' })).status).toBe(400);
    const nowhere = await api<ErrorBody>(server, 'POST', '/users', {
      email: 'nowhere@pipewright.test',
      password: 'long-enough-now',
      role: 'viewer',
      workspaceId: MISSING,
    });
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toBe(`workspace "${MISSING}" does not exist`);

    const users = await api<{ items: { email: string; memberships: { workspaceId: string }[] }[] }>(
      server,
      'GET',
      '/users',
    );
    const byEmail = new Map(users.body.items.map((u) => [u.email, u.memberships[0].workspaceId]));
    expect(byEmail.get('team-b@pipewright.test')).toBe(otherWorkspaceId);
    expect(byEmail.get(server.admin.email)).not.toBe(otherWorkspaceId);
    expect(byEmail.has('nowhere@pipewright.test')).toBe(false);
  });

  it("answers another workspace's pipelines, runs and datasets as unknown ids, and lists none of them", async () => {
    const pipelines = await api<{ items: { id: string }[]; total: number }>(other, 'GET', '/pipelines');
    expect(pipelines.body).toEqual({ items: [], total: 0 });
    const datasets = await api<{ items: Dataset[]; total: number }>(other, 'GET', '/datasets');
    expect(datasets.body).toMatchObject({ items: [], total: 0 });

    const file = readerPipeline('taken over', dataset.path);
    await expectMissing(other, 'GET', `/pipelines/${pipelineId}`, pipelineId);
    await expectMissing(other, 'PUT', `/pipelines/${pipelineId}`, pipelineId, file);
    await expectMissing(other, 'GET', `/pipelines/${pipelineId}/versions`, pipelineId);
    await expectMissing(other, 'GET', `/pipelines/${pipelineId}/versions/1`, pipelineId);
    await expectMissing(other, 'GET', `/pipelines/${pipelineId}/runs`, pipelineId);
    await expectMissing(other, 'POST', `/pipelines/${pipelineId}/runs`, pipelineId, {});
    await expectMissing(other, 'DELETE', `/pipelines/${pipelineId}`, pipelineId);

    await expectMissing(other, 'GET', `/runs/${runId}`, runId);
    await expectMissing(other, 'GET', `/runs/${runId}/events`, runId);
    await expectMissing(other, 'GET', `/runs/${runId}/nodes/src/preview`, runId);
    await expectMissing(other, 'POST', `/runs/${runId}/cancel`, runId);
    await expectMissing(other, 'DELETE', `/datasets/${dataset.id}`, dataset.id);

    // All still there, unchanged, for their own workspace.
    const pipeline = await api<{ name: string; version: number }>(home, 'GET', `/pipelines/${pipelineId}`);
    expect(pipeline.body).toMatchObject({ name: 'iris', version: 1 });
    const runs = await api<{ total: number }>(home, 'GET', `/pipelines/${pipelineId}/runs`);
    expect(runs.body.total).toBe(1);
    expect((await api<RunDocument>(home, 'GET', `/runs/${runId}`)).body.status).toBe('succeeded');
    const preview = await api<{ total: number }>(home, 'GET', `/runs/${runId}/nodes/src/preview`);
    expect(preview.body.total).toBe(150);
    const own = await api<{ items: Dataset[] }>(home, 'GET', '/datasets');
    expect(own.body.items.map((d) => d.id)).toEqual([dataset.datasetId]);
  });

  it("refuses a Socket.IO subscription to another workspace's run as it refuses an unknown run", async () => {
    const subscribe = (identity: Identity, id: string) =>
      new Promise<{ events: number; error?: string }>((resolve) => {
        const socket: RunSocket = io(`${server.url}/runs`, {
          transports: ['websocket'],
          reconnection: false,
          auth: { token: identity.token },
        });
        sockets.push(socket);
        let events = 0;
        socket.on('run-event', () => {
          events++;
          if (events === 1) setTimeout(() => resolve({ events }), 300);
        });
        socket.on('subscribe-error', (error) => resolve({ events, error: error.message }));
        socket.on('connect', () => socket.emit('subscribe', { runId: id, afterSeq: 0 }));
      });
    const unknown = await subscribe(other, MISSING);
    const hidden = await subscribe(other, runId);
    expect(unknown.error).toBe(`run "${MISSING}" does not exist`);
    expect(hidden).toEqual({ events: 0, error: unknown.error!.replace(MISSING, runId) });
    const own = await subscribe(home, runId);
    expect(own.error).toBeUndefined();
    expect(own.events).toBeGreaterThan(0);
  });

  it("keeps another workspace's dataset file out of reach of source.csv, and its own works", async () => {
    const stolen = await api<{ id: string }>(other, 'POST', '/pipelines', readerPipeline('peek', dataset.path));
    expect(stolen.status).toBe(201);
    const started = await api<{ id: string }>(other, 'POST', `/pipelines/${stolen.body.id}/runs`, {});
    expect(started.status).toBe(201);
    const run = await finished(other, started.body.id);
    expect(run.status).toBe('failed');
    expect(run.nodes.src.error?.message).toBe(
      `path: file "${dataset.path}" was not found in the directories this run may read`,
    );

    const mine = (await uploadDataset<Dataset>(other, 'iris.csv', await readFile(iris))).body;
    const pipeline = await api<{ id: string }>(other, 'POST', '/pipelines', readerPipeline('mine', mine.path));
    const ownRun = await api<{ id: string }>(other, 'POST', `/pipelines/${pipeline.body.id}/runs`, {});
    expect((await finished(other, ownRun.body.id)).status).toBe('succeeded');
    const preview = await api<{ total: number }>(other, 'GET', `/runs/${ownRun.body.id}/nodes/src/preview`);
    expect(preview.body.total).toBe(150);

    // Each workspace lists only its own; the first cannot reach the second's either.
    const otherLists = await api<{ items: { id: string }[] }>(other, 'GET', '/pipelines');
    expect(otherLists.body.items.map((p) => p.id).sort()).toEqual([stolen.body.id, pipeline.body.id].sort());
    const homeDatasets = await api<{ items: Dataset[] }>(home, 'GET', '/datasets');
    expect(homeDatasets.body.items.map((d) => d.id)).toEqual([dataset.datasetId]);
    const homePipelines = await api<{ items: { id: string }[] }>(home, 'GET', '/pipelines');
    expect(homePipelines.body.items.map((p) => p.id)).not.toContain(pipeline.body.id);
    await expectMissing(home, 'GET', `/runs/${ownRun.body.id}`, ownRun.body.id);
    expect((await api(other, 'DELETE', `/datasets/${mine.id}`)).status).toBe(204);
  });

  it('gives the runs of the CLI (no login) to the default workspace, where they read its datasets', async () => {
    const dir = await mkdtemp(join(server.environment.home, 'files-'));
    const file = join(dir, 'reader.json');
    await writeFile(file, JSON.stringify(readerPipeline('from the command line', dataset.path)));
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'run', file], { cwd: dir, env: server.environment.env });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
    });
    expect(result.code, result.output).toBe(0);
    const id = /run ([0-9a-f-]{36})\)/.exec(result.output)?.[1];
    expect(id, result.output).toBeDefined();
    expect((await api<RunDocument>(home, 'GET', `/runs/${id}`)).body.status).toBe('succeeded');
    await expectMissing(other, 'GET', `/runs/${id}`, id!);
  });
});

describe('the generated first-admin password', () => {
  let environment: TestEnvironment;
  let running: RunningServer;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    const env: NodeJS.ProcessEnv = { ...environment.env, PORT: '0' };
    delete env.PIPEWRIGHT_ADMIN_EMAIL;
    delete env.PIPEWRIGHT_ADMIN_PASSWORD;
    running = await startServer({ settings: readSettings(env), worker: false, logger: ['error'], log: () => {} });
  });
  afterAll(async () => {
    await running?.close();
    await environment?.dispose();
  });

  it('must be changed before anything but /auth/me, /auth/password and /auth/logout answers', async () => {
    const password = running.firstAdmin?.oneTimePassword;
    expect(password).toMatch(/^\S{20}$/);
    const server = { url: running.url };
    const login = await api<{ accessToken: string; user: { email: string; mustChangePassword: boolean } }>(
      server,
      'POST',
      '/auth/login',
      { email: 'admin@localhost', password },
    );
    expect(login.body.user).toMatchObject({ email: 'admin@localhost', mustChangePassword: true });
    const admin = { url: running.url, token: login.body.accessToken };

    for (const path of ['/pipelines', '/datasets', '/users', '/workspaces', '/deployments']) {
      const refused = await api<ErrorBody>(admin, 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code).toBe('password-change-required');
      expect(refused.body.error.message).toContain('POST /api/auth/password');
    }
    expect(
      (await api(admin, 'POST', '/users', { email: 'x@y.z', password: 'long-enough-now', role: 'admin' })).status,
    ).toBe(403);
    const me = await api<{ user: { mustChangePassword: boolean } }>(admin, 'GET', '/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.mustChangePassword).toBe(true);
    const socketRefusal = await new Promise<string>((resolve) => {
      const socket = io(`${running.url}/runs`, {
        transports: ['websocket'],
        reconnection: false,
        auth: { token: admin.token },
      });
      socket.on('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.on('connect_error', (error) => resolve(error.message));
    });
    expect(socketRefusal).toMatch(/^forbidden: choose your own password/);

    const same = await api<ErrorBody>(admin, 'POST', '/auth/password', {
      currentPassword: password,
      newPassword: password,
    });
    expect(same.status).toBe(400);
    expect((await api(admin, 'GET', '/pipelines')).status).toBe(403);
    const changed = await api(admin, 'POST', '/auth/password', {
      currentPassword: password,
      newPassword: 'chosen-by-the-admin',
    });
    expect(changed.status).toBe(204);

    expect((await api(admin, 'GET', '/pipelines')).status).toBe(200);
    expect((await api<{ user: { mustChangePassword: boolean } }>(admin, 'GET', '/auth/me')).body.user).toMatchObject({
      mustChangePassword: false,
    });
    expect((await api(server, 'POST', '/auth/login', { email: 'admin@localhost', password })).status).toBe(401);
    const again = await api<{ user: { mustChangePassword: boolean } }>(server, 'POST', '/auth/login', {
      email: 'admin@localhost',
      password: 'chosen-by-the-admin',
    });
    expect(again.body.user.mustChangePassword).toBe(false);
  });
});
