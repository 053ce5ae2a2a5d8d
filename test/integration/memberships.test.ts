import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDocument } from '../../nodes/dist/index.js';
import { deployingPipeline } from './example-pipelines.js';
import { api, logIn, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

interface ErrorBody {
  error: { code: string; message: string };
}
interface Membership {
  workspaceId: string;
  workspaceName: string;
  role: string;
}
interface User {
  id: string;
  email: string;
  instanceAdmin: boolean;
  disabled: boolean;
  mustChangePassword: boolean;
  memberships: Membership[];
  oneTimePassword?: string;
}
interface Me {
  user: { id: string; email: string; role: string; workspaceId: string; instanceAdmin: boolean };
  workspaces: { id: string; name: string; role: string }[];
}

const DEFAULT_WORKSPACE = '00000000-0000-4000-8000-000000000001';

describe('memberships: several workspaces, a role in each, and admins confined to theirs', () => {
  let server: TestServer;
  let teamB: string;
  /** The admin of workspace B only (not an instance admin). */
  let adminB: Identity;
  let adminBId: string;
  let counter = 0;

  const user = async (role: string, workspaceId: string, by: Identity = server) => {
    const credentials = { email: `person-${++counter}@pipewright.test`, password: `password-${counter}-long` };
    const created = await api<User>(by, 'POST', '/users', { ...credentials, role, workspaceId });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const token = await logIn(server, credentials.email, credentials.password);
    return { ...credentials, id: created.body.id, identity: { url: server.url, token } as Identity };
  };
  const me = async (identity: Identity) => (await api<Me>(identity, 'GET', '/auth/me')).body;

  beforeAll(async () => {
    server = await startTestServer();
    teamB = (await api<{ id: string }>(server, 'POST', '/workspaces', { name: 'Team B' })).body.id;
    const b = await user('admin', teamB);
    adminB = b.identity;
    adminBId = b.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it("keeps a workspace's admin from taking over another workspace (issue 14, finding 4)", async () => {
    // Workspace A (the default one) has a deployment with keys.
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', deployingPipeline());
    const run = await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {});
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${run.body.id}`);
      return body.status === 'succeeded' ? body : undefined;
    });
    await waitFor(async () =>
      (await api(server, 'GET', '/deployments/breast-cancer')).status === 200 ? true : undefined,
    );

    // The takeover of the report: an admin of A made by the admin of B.
    const takeover = await api<ErrorBody>(adminB, 'POST', '/users', {
      email: 'mole@pipewright.test',
      password: 'a mole in the garden',
      role: 'admin',
      workspaceId: DEFAULT_WORKSPACE,
    });
    expect(takeover.status).toBe(400);
    expect(takeover.body.error.message).toBe(`workspace "${DEFAULT_WORKSPACE}" does not exist`);
    const mole = await api(adminB, 'POST', '/auth/login', {
      email: 'mole@pipewright.test',
      password: 'a mole in the garden',
    });
    expect(mole.status).toBe(401);

    // Nor by any other door: granting itself A, switching into A, making workspaces, listing A's users.
    const grant = await api<ErrorBody>(adminB, 'POST', `/workspaces/${DEFAULT_WORKSPACE}/members`, {
      email: (await me(adminB)).user.email,
      role: 'admin',
    });
    expect(grant.status).toBe(404);
    expect((await api(adminB, 'GET', `/workspaces/${DEFAULT_WORKSPACE}/members`)).status).toBe(404);
    expect((await api(adminB, 'POST', '/auth/workspace', { workspaceId: DEFAULT_WORKSPACE })).status).toBe(404);
    const make = await api<ErrorBody>(adminB, 'POST', '/workspaces', { name: 'Mine' });
    expect(make.status).toBe(403);
    expect(make.body.error.message).toBe('POST /api/workspaces is for instance admins only');
    const workspaces = await api<{ items: { id: string }[] }>(adminB, 'GET', '/workspaces');
    expect(workspaces.body.items.map((w) => w.id)).toEqual([teamB]);
    const users = await api<{ items: User[] }>(adminB, 'GET', '/users');
    expect(users.body.items.map((u) => u.email)).toEqual([(await me(adminB)).user.email]);
    expect((await api(adminB, 'GET', `/users?workspaceId=${DEFAULT_WORKSPACE}`)).status).toBe(404);
    expect((await api<{ items: unknown[] }>(adminB, 'GET', '/deployments')).body.items).toEqual([]);
    expect((await api(adminB, 'GET', '/deployments/breast-cancer/keys')).status).toBe(404);
    expect((await api(adminB, 'GET', '/deployments/breast-cancer/bundle')).status).toBe(404);
    // Nor may it reach A's users through their ids.
    const adminA = (await me(server)).user.id;
    expect((await api(adminB, 'POST', `/users/${adminA}/password`)).status).toBe(404);
    expect((await api(adminB, 'PATCH', `/users/${adminA}`, { disabled: true })).status).toBe(404);
  });

  it('lets a user belong to two workspaces with a role in each, and switch its session between them', async () => {
    const person = await user('viewer', DEFAULT_WORKSPACE);
    const added = await api<{ role: string }>(adminB, 'POST', `/workspaces/${teamB}/members`, {
      email: person.email.toUpperCase(),
      role: 'editor',
    });
    expect(added.status).toBe(201);
    expect(added.body.role).toBe('editor');

    const first = await me(person.identity);
    expect(first.user).toMatchObject({ role: 'viewer', workspaceId: DEFAULT_WORKSPACE, instanceAdmin: false });
    expect(first.workspaces).toEqual([
      { id: DEFAULT_WORKSPACE, name: 'Default', role: 'viewer' },
      { id: teamB, name: 'Team B', role: 'editor' },
    ]);
    expect((await api(person.identity, 'POST', '/pipelines', deployingPipeline())).status).toBe(403);

    // A second session of the same user stays where it is.
    const other = { url: server.url, token: await logIn(server, person.email, person.password) };
    const switched = await api<Me>(person.identity, 'POST', '/auth/workspace', { workspaceId: teamB });
    expect(switched.status).toBe(200);
    expect(switched.body.user).toMatchObject({ role: 'editor', workspaceId: teamB });
    const made = await api<{ id: string }>(person.identity, 'POST', '/pipelines', deployingPipeline());
    expect(made.status).toBe(201);
    expect((await me(other)).user.workspaceId).toBe(DEFAULT_WORKSPACE);
    expect((await api(other, 'GET', `/pipelines/${made.body.id}`)).status).toBe(404);

    const back = await api<Me>(person.identity, 'POST', '/auth/workspace', { workspaceId: DEFAULT_WORKSPACE });
    expect(back.body.user.role).toBe('viewer');
    expect((await api(person.identity, 'GET', `/pipelines/${made.body.id}`)).status).toBe(404);
    const bad = await api<ErrorBody>(person.identity, 'POST', '/auth/workspace', { workspaceId: 'nope' });
    expect(bad.status).toBe(404);
    expect(bad.body.error.message).toBe('workspace "nope" does not exist');
  });

  it('lets a workspace admin add, re-role and remove members of its workspace only, keeping one admin', async () => {
    const person = await user('viewer', DEFAULT_WORKSPACE);
    expect(
      (await api(adminB, 'POST', `/workspaces/${teamB}/members`, { email: 'nobody@pipewright.test', role: 'viewer' }))
        .status,
    ).toBe(404);
    await api(adminB, 'POST', `/workspaces/${teamB}/members`, { email: person.email, role: 'viewer' });
    const again = await api<ErrorBody>(adminB, 'POST', `/workspaces/${teamB}/members`, {
      email: person.email,
      role: 'editor',
    });
    expect(again.status).toBe(409);

    const promoted = await api<{ role: string }>(adminB, 'PATCH', `/workspaces/${teamB}/members/${person.id}`, {
      role: 'admin',
    });
    expect(promoted.body.role).toBe('admin');
    // Admin of B now, the person still cannot manage A (where it is a viewer), nor list A's users.
    const refused = await api<ErrorBody>(person.identity, 'GET', `/workspaces/${DEFAULT_WORKSPACE}/members`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('only admins of "Default" manage it and its members; you are viewer there');
    // But B's members from anywhere, and users once its session works in B.
    expect((await api(person.identity, 'GET', `/workspaces/${teamB}/members`)).status).toBe(200);
    expect((await api(person.identity, 'GET', '/users')).status).toBe(403);
    await api(person.identity, 'POST', '/auth/workspace', { workspaceId: teamB });
    const seen = await api<{ items: User[] }>(person.identity, 'GET', '/users');
    expect(seen.status).toBe(200);
    // Only its B membership shows: the person's A membership is none of B's business.
    const self = seen.body.items.find((u) => u.id === person.id)!;
    expect(self.memberships.map((m) => m.workspaceName)).toEqual(['Team B']);

    // The last admin cannot go, and B has two now; demoting the person back works.
    expect((await api(adminB, 'PATCH', `/workspaces/${teamB}/members/${person.id}`, { role: 'editor' })).status).toBe(
      200,
    );
    const last = await api<ErrorBody>(adminB, 'PATCH', `/workspaces/${teamB}/members/${adminBId}`, { role: 'viewer' });
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/is the last admin of "Team B": make another member admin first$/);
    expect((await api(adminB, 'DELETE', `/workspaces/${teamB}/members/${adminBId}`)).status).toBe(409);

    // Removed from B, the person's session falls back to A, where it is a viewer.
    expect((await api(adminB, 'DELETE', `/workspaces/${teamB}/members/${person.id}`)).status).toBe(204);
    expect((await me(person.identity)).user).toMatchObject({ workspaceId: DEFAULT_WORKSPACE, role: 'viewer' });
    expect((await api(adminB, 'DELETE', `/workspaces/${teamB}/members/${person.id}`)).status).toBe(404);
  });

  it('resets passwords and disables accounts only where the admin holds the whole account', async () => {
    const onlyB = await user('editor', teamB, adminB);
    const alsoA = await user('editor', teamB, adminB);
    await api(server, 'POST', `/workspaces/${DEFAULT_WORKSPACE}/members`, { email: alsoA.email, role: 'viewer' });

    const reset = await api<User>(adminB, 'POST', `/users/${onlyB.id}/password`);
    expect(reset.status).toBe(200);
    expect(reset.body.oneTimePassword).toMatch(/^\S{20}$/);
    expect(reset.body.mustChangePassword).toBe(true);
    expect((await api(onlyB.identity, 'GET', '/pipelines')).status).toBe(401);
    expect((await api(server, 'POST', '/auth/login', { email: onlyB.email, password: onlyB.password })).status).toBe(
      401,
    );
    const fresh = { url: server.url, token: await logIn(server, onlyB.email, reset.body.oneTimePassword!) };
    expect((await api<ErrorBody>(fresh, 'GET', '/pipelines')).body.error.code).toBe('password-change-required');

    const crossing = await api<ErrorBody>(adminB, 'POST', `/users/${alsoA.id}/password`);
    expect(crossing.status).toBe(403);
    expect(crossing.body.error.message).toBe(
      `${alsoA.email} also belongs to a workspace you do not administer: ask an instance admin to do this`,
    );
    expect((await api(adminB, 'PATCH', `/users/${alsoA.id}`, { disabled: true })).status).toBe(403);
    const instanceAdmin = (await me(server)).user;
    await api(server, 'POST', `/workspaces/${teamB}/members`, { email: instanceAdmin.email, role: 'viewer' });
    const touchy = await api<ErrorBody>(adminB, 'PATCH', `/users/${instanceAdmin.id}`, { disabled: true });
    expect(touchy.status).toBe(403);
    expect(touchy.body.error.message).toMatch(/is an instance admin/);
    expect((await api(adminB, 'PATCH', `/users/${onlyB.id}`, { instanceAdmin: true })).status).toBe(403);

    // Disabled: cut off at once, and refused at login even with the right password; enabled: back.
    const disabled = await api<User>(server, 'PATCH', `/users/${alsoA.id}`, { disabled: true });
    expect(disabled.body.disabled).toBe(true);
    expect((await api(alsoA.identity, 'GET', '/pipelines')).status).toBe(401);
    const login = await api<ErrorBody>(server, 'POST', '/auth/login', { email: alsoA.email, password: alsoA.password });
    expect(login.status).toBe(403);
    expect(login.body.error).toEqual({
      code: 'account-disabled',
      message: `${alsoA.email} is disabled: an admin of its workspace can enable it`,
    });
    await api(server, 'PATCH', `/users/${alsoA.id}`, { disabled: false });
    expect((await api(server, 'POST', '/auth/login', { email: alsoA.email, password: alsoA.password })).status).toBe(
      200,
    );
    const self = await api<ErrorBody>(server, 'PATCH', `/users/${instanceAdmin.id}`, { disabled: true });
    expect(self.status).toBe(400);
  });

  it('creates users with a one-time password, and keeps at least one instance admin', async () => {
    const created = await api<User>(adminB, 'POST', '/users', { email: 'fresh@pipewright.test', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      mustChangePassword: true,
      memberships: [{ workspaceId: teamB, workspaceName: 'Team B', role: 'viewer' }],
    });
    const login = await api<{ user: { mustChangePassword: boolean } }>(server, 'POST', '/auth/login', {
      email: 'fresh@pipewright.test',
      password: created.body.oneTimePassword,
    });
    expect(login.body.user.mustChangePassword).toBe(true);
    expect(JSON.stringify((await api(adminB, 'GET', '/users')).body)).not.toContain(created.body.oneTimePassword);

    const instanceAdmin = (await me(server)).user;
    const last = await api<ErrorBody>(server, 'PATCH', `/users/${instanceAdmin.id}`, { instanceAdmin: false });
    expect(last.status).toBe(409);
    const granted = await api<User>(server, 'PATCH', `/users/${adminBId}`, { instanceAdmin: true });
    expect(granted.body.instanceAdmin).toBe(true);
    // Now an instance admin, B's admin sees and enters every workspace.
    expect((await me(adminB)).workspaces.map((w) => w.name)).toEqual(['Default', 'Team B']);
    expect((await api(adminB, 'POST', '/auth/workspace', { workspaceId: DEFAULT_WORKSPACE })).status).toBe(200);
    expect((await api(adminB, 'GET', '/deployments/breast-cancer/keys')).status).toBe(200);
    await api(server, 'PATCH', `/users/${adminBId}`, { instanceAdmin: false });
    expect((await me(adminB)).user).toMatchObject({ instanceAdmin: false, workspaceId: teamB, role: 'admin' });
  });

  it('shows each admin the audit events of the workspaces it administers only', async () => {
    const events = await api<{ items: { action: string; workspaceId: string | null }[] }>(
      adminB,
      'GET',
      '/audit?limit=500',
    );
    expect(events.status).toBe(200);
    expect(events.body.items.length).toBeGreaterThan(0);
    expect(events.body.items.every((e) => e.workspaceId === teamB)).toBe(true);
    const actions = new Set(events.body.items.map((e) => e.action));
    for (const action of ['member.added', 'member.role-changed', 'member.removed', 'user.password-reset'])
      expect(actions).toContain(action);
    const everything = await api<{ items: { workspaceId: string | null }[] }>(server, 'GET', '/audit?limit=500');
    expect(everything.body.items.some((e) => e.workspaceId === DEFAULT_WORKSPACE)).toBe(true);
    expect(everything.body.items.some((e) => e.workspaceId === null)).toBe(true);
  });

  it('refuses the session of a user who lost its last workspace, and says why at login', async () => {
    const person = await user('editor', teamB, adminB);
    await api(adminB, 'DELETE', `/workspaces/${teamB}/members/${person.id}`);
    expect((await api(person.identity, 'GET', '/pipelines')).status).toBe(401);
    const login = await api<ErrorBody>(server, 'POST', '/auth/login', {
      email: person.email,
      password: person.password,
    });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('no-workspace');
  });
});
