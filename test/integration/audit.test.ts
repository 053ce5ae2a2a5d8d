import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../nodes/dist/index.js';
import { deployingPipeline } from './example-pipelines.js';
import { api, logIn, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

interface AuditEvent {
  id: string;
  at: string;
  actor: { id: string | null; name: string };
  action: string;
  workspaceId: string | null;
  workspaceName: string | null;
  object: { type: string; id: string };
  details: Record<string, unknown>;
}
type AuditPage = { items: AuditEvent[]; total: number };

describe('the audit log', () => {
  let server: TestServer;
  let editor: Identity;
  let adminId: string;
  let runIds: string[];
  let startedAt: string;
  const editorCredentials = { email: 'audited-editor@pipewright.test', password: 'the-editors-password' };

  const audit = async (query = '', identity: Identity = server) => {
    const answer = await api<AuditPage>(identity, 'GET', `/audit${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };
  const runToEnd = async (pipelineId: string) => {
    const started = await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, {});
    expect(started.status).toBe(201);
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${started.body.id}`);
      return body.status === 'succeeded' ? body : undefined;
    });
    return started.body.id;
  };

  beforeAll(async () => {
    server = await startTestServer();
    startedAt = new Date().toISOString();
    expect((await api(server, 'POST', '/users', { ...editorCredentials, role: 'editor' })).status).toBe(201);
    editor = { url: server.url, token: await logIn(server, editorCredentials.email, editorCredentials.password) };
    adminId = (await api<{ user: { id: string } }>(server, 'GET', '/auth/me')).body.user.id;
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', deployingPipeline());
    // Each run deploys itself (its deploy.service node); the second's trainer is then deployed by hand too.
    runIds = [await runToEnd(pipeline.body.id), await runToEnd(pipeline.body.id)];
    await waitFor(async () => {
      const { body } = await api<{ activeVersion: number }>(server, 'GET', '/deployments/breast-cancer');
      return body.activeVersion === 2 ? true : undefined;
    });
    const deployed = await api(server, 'POST', '/deployments', {
      runId: runIds[1],
      nodeId: 'train',
      name: 'breast-cancer',
    });
    expect(deployed.status).toBe(201);
    expect((await api(server, 'POST', '/deployments/breast-cancer/promote', { version: 1 })).status).toBe(200);
    expect((await api(server, 'PUT', '/deployments/breast-cancer/canary', { version: 3, share: 0.25 })).status).toBe(
      200,
    );
    expect((await api(server, 'DELETE', '/deployments/breast-cancer/canary')).status).toBe(200);
    expect((await api(server, 'POST', '/deployments/breast-cancer/promote', { version: 3 })).status).toBe(200);
    const key = await api<{ id: string }>(server, 'POST', '/deployments/breast-cancer/keys', { name: 'reporting' });
    expect(key.status).toBe(201);
    expect((await api(server, 'DELETE', `/deployments/breast-cancer/keys/${key.body.id}`)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records who ran, deployed, promoted, rolled back, set a canary and made or revoked a key, newest first', async () => {
    const { items } = await audit('?object=deployment:breast-cancer');
    expect(items.map((e) => [e.action, e.actor.name, e.details])).toEqual([
      ['key.revoked', server.admin.email, expect.objectContaining({ name: 'reporting' })],
      ['key.created', server.admin.email, expect.objectContaining({ name: 'reporting' })],
      ['deployment.promoted', server.admin.email, { from: 1, to: 3 }],
      ['deployment.canary-ended', server.admin.email, { version: 3, active: 1 }],
      ['deployment.canary-set', server.admin.email, { version: 3, share: 0.25, active: 1 }],
      ['deployment.rolled-back', server.admin.email, { from: 3, to: 1 }],
      [
        'deployment.published',
        server.admin.email,
        {
          version: 3,
          runId: runIds[1],
          nodeId: 'train',
          created: false,
          via: 'request',
          serving: true,
          reason: `deployed by hand by ${server.admin.email}`,
        },
      ],
      [
        'deployment.published',
        server.admin.email,
        {
          version: 2,
          runId: runIds[1],
          nodeId: 'deploy',
          created: false,
          via: 'auto-deploy',
          serving: true,
          reason: 'policy always: a new version serves',
        },
      ],
      [
        'deployment.published',
        server.admin.email,
        {
          version: 1,
          runId: runIds[0],
          nodeId: 'deploy',
          created: true,
          via: 'auto-deploy',
          serving: true,
          reason: 'the first version of a deployment serves',
        },
      ],
    ]);
    // No secret reaches the log: the key's prefix, never the key.
    expect(JSON.stringify(items)).not.toMatch(/pwk_[A-Za-z0-9_-]{20}/);
    expect(items.every((e) => e.actor.id === adminId && e.workspaceName === 'Default')).toBe(true);

    const runs = await audit('?action=run.started');
    expect(runs.items.map((e) => e.object.id)).toEqual([...runIds].reverse());
    expect(runs.items[0].details).toMatchObject({ name: deployingPipeline().name, version: 1 });
  });

  it('records users and workspaces made and passwords changed', async () => {
    const workspace = await api<{ id: string }>(server, 'POST', '/workspaces', { name: 'Audited' });
    const changed = await api(editor, 'POST', '/auth/password', {
      currentPassword: 'wrong',
      newPassword: 'a-new-password',
    });
    expect(changed.status).toBe(403);
    const { items } = await audit('?action=workspace.*');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      action: 'workspace.created',
      object: { type: 'workspace', id: workspace.body.id },
      details: { name: 'Audited' },
      actor: { id: adminId, name: server.admin.email },
    });
    const users = await audit('?action=user.created');
    expect(users.items.map((e) => [e.details.email, e.actor.name])).toEqual([
      [editorCredentials.email, server.admin.email],
      [server.admin.email, 'first start'],
    ]);
    // A refused password change changed nothing, so it records nothing; a done one is recorded, as its user's.
    expect((await audit('?action=user.password-changed')).total).toBe(0);
    const editorPassword = await api(editor, 'POST', '/auth/password', {
      currentPassword: editorCredentials.password,
      newPassword: 'a-new-password',
    });
    expect(editorPassword.status).toBe(204);
    const passwords = await audit('?action=user.password-changed');
    expect(passwords.items.map((e) => e.actor.name)).toEqual([editorCredentials.email]);
  });

  it('filters by actor (id or email), action family, object type, time range, and pages', async () => {
    const all = await audit();
    expect(all.total).toBeGreaterThanOrEqual(12);
    const byAdmin = all.items.filter((e) => e.actor.id === adminId).length;
    // All but the first admin's creation (by the first start) and the editor's own password change.
    expect(byAdmin).toBe(all.total - 2);
    expect((await audit(`?actor=${adminId}`)).total).toBe(byAdmin);
    expect((await audit(`?actor=${server.admin.email.toUpperCase()}`)).total).toBe(byAdmin);
    expect((await audit('?actor=first%20start')).items.map((e) => e.action)).toEqual(['user.created']);
    expect((await audit('?actor=nobody@pipewright.test')).total).toBe(0);

    const deployments = await audit('?action=deployment.*');
    expect(new Set(deployments.items.map((e) => e.action))).toEqual(
      new Set([
        'deployment.published',
        'deployment.promoted',
        'deployment.rolled-back',
        'deployment.canary-set',
        'deployment.canary-ended',
      ]),
    );
    expect((await audit('?object=run')).items.every((e) => e.object.type === 'run')).toBe(true);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await audit(`?from=${encodeURIComponent(future)}`)).total).toBe(0);
    // Everything since the server started, which is all but the first admin's creation.
    expect((await audit(`?from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(future)}`)).total).toBe(
      all.total - 1,
    );
    const middle = all.items[Math.floor(all.items.length / 2)].at;
    const before = await audit(`?to=${encodeURIComponent(middle)}`);
    expect(before.items.every((e) => e.at < middle)).toBe(true);
    expect(before.total).toBeGreaterThan(0);
    expect(before.total).toBeLessThan(all.total);

    const first = await audit('?limit=3');
    const second = await audit('?limit=3&offset=3');
    expect(first.total).toBe(all.total);
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(all.items.slice(0, 6).map((e) => e.id));
  });

  it('refuses bad filters naming them, and anyone but an admin', async () => {
    const bad = await api<{ error: { message: string } }>(server, 'GET', '/audit?action=run.exploded');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^action: one of run.started, /);
    const badTime = await api<{ error: { message: string } }>(server, 'GET', '/audit?from=yesterday');
    expect(badTime.status).toBe(400);
    expect(badTime.body.error.message).toMatch(/^from: /);
    expect((await api(server, 'GET', '/audit?colour=red')).status).toBe(400);
    expect((await api(editor, 'GET', '/audit')).status).toBe(403);
    expect((await api(await server.as('viewer'), 'GET', '/audit')).status).toBe(403);
    expect((await api(await server.as('anonymous'), 'GET', '/audit')).status).toBe(401);
  });
});
