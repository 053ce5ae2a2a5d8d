import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, type Identity, type TestServer } from './test-environment.js';

describe('accounts and access', () => {
  let server: TestServer;
  let anonymous: Identity;
  let editor: Identity;
  let viewer: Identity;
  let pipelineId: string;

  beforeAll(async () => {
    server = await startTestServer({ worker: false });
    [anonymous, editor, viewer] = await Promise.all([server.as('anonymous'), server.as('editor'), server.as('viewer')]);
    pipelineId = (await api<{ id: string }>(editor, 'POST', '/pipelines', breastCancerPipeline())).body.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses anonymous calls to the API, and leaves health and login open', async () => {
    for (const path of [
      '/pipelines',
      `/pipelines/${pipelineId}`,
      '/runs/00000000-0000-4000-8000-000000000000',
      '/deployments',
      '/deployments/cancer',
      '/docs',
      '/workers',
      '/auth/me',
    ]) {
      const answer = await api<{ error: { code: string; message: string } }>(anonymous, 'GET', path);
      expect(answer.status, path).toBe(401);
      expect(answer.body.error.code).toBe('unauthenticated');
    }
    expect((await api(anonymous, 'POST', '/pipelines', breastCancerPipeline())).status).toBe(401);
    expect((await api(anonymous, 'GET', '/health')).status).toBe(200);
    const wrongToken = await api({ url: server.url, token: 'pws_not-a-session' }, 'GET', '/pipelines');
    expect(wrongToken.status).toBe(401);
  });

  it('logs in with a session cookie for the studio and a bearer token for scripts, and logs out', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(server.admin),
    });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { accessToken: string; user: { email: string; role: string } };
    expect(body.user).toMatchObject({ email: server.admin.email, role: 'admin' });
    expect(JSON.stringify(body)).not.toContain('hash');
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/pipewright_session=[^;]+;.*HttpOnly/i);
    // And one the studio's script may read, with no secret: whether to ask /auth/me at all.
    const signedIn = login.headers.getSetCookie().find((c) => c.startsWith('pipewright_signed_in='));
    expect(signedIn).toMatch(/^pipewright_signed_in=1;/);
    expect(signedIn).not.toMatch(/HttpOnly/i);
    const cookie = setCookie.split(';')[0];

    const byCookie = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
    expect(byCookie.status).toBe(200);
    expect(await byCookie.json()).toMatchObject({ user: { email: server.admin.email, role: 'admin' } });
    const identity = { url: server.url, token: body.accessToken };
    expect((await api(identity, 'GET', '/pipelines')).status).toBe(200);

    expect((await api(identity, 'POST', '/auth/logout')).status).toBe(204);
    expect((await api(identity, 'GET', '/pipelines')).status).toBe(401);
    expect((await fetch(`${server.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('answers a wrong password with 401, and too many with 429', async () => {
    const wrong = { email: 'viewer-hammered@pipewright.test', password: 'not-the-password' };
    const first = await api<{ error: { message: string } }>(anonymous, 'POST', '/auth/login', wrong);
    expect(first.status).toBe(401);
    expect(first.body.error.message).toBe('wrong email or password');
    let status = 401;
    for (let attempt = 0; attempt < 12 && status === 401; attempt++) {
      status = (await api(anonymous, 'POST', '/auth/login', wrong)).status;
    }
    expect(status).toBe(429);
    // Another account is not locked out by someone hammering this one from elsewhere... but this address is.
    const blocked = await api<{ error: { code: string } }>(anonymous, 'POST', '/auth/login', server.admin);
    expect(blocked.body.error.code).toBe('too-many-logins');
  });

  it('lets viewers read but not change, and only admins manage users', async () => {
    expect((await api(viewer, 'GET', '/pipelines')).status).toBe(200);
    const change = await api<{ error: { code: string } }>(viewer, 'POST', '/pipelines', breastCancerPipeline());
    expect(change.status).toBe(403);
    expect(change.body.error.code).toBe('forbidden');
    expect((await api(editor, 'GET', '/users')).status).toBe(403);
    expect(
      (await api(editor, 'POST', '/users', { email: 'x@y.z', password: 'long-enough', role: 'admin' })).status,
    ).toBe(403);
    const users = await api<{ items: { email: string; memberships: { role: string }[] }[] }>(server, 'GET', '/users');
    expect(users.body.items.map((user) => user.memberships.map((m) => m.role).join()).sort()).toEqual([
      'admin',
      'editor',
      'viewer',
    ]);
  });

  it('refuses a Socket.IO connection without a session, and accepts one with it', async () => {
    const refused = await new Promise<string>((resolve) => {
      const socket = io(`${server.url}/runs`, { transports: ['websocket'], reconnection: false });
      socket.on('connect', () => resolve('connected'));
      socket.on('connect_error', (error) => {
        socket.disconnect();
        resolve(error.message);
      });
    });
    expect(refused).toMatch(/unauthenticated/);
    const accepted = await new Promise<string>((resolve) => {
      const socket = io(`${server.url}/runs`, {
        transports: ['websocket'],
        reconnection: false,
        auth: { token: editor.token },
      });
      socket.on('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.on('connect_error', (error) => resolve(error.message));
    });
    expect(accepted).toBe('connected');
  });
});
