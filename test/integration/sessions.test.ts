import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, RunDocument, ServerToClientEvents } from '../../nodes/dist/index.js';
import { breastCancerPipeline } from './example-pipelines.js';
import { api, logIn, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

type RunSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket of a session, and what happened to it: events received, the session's end, its disconnection. */
interface Watched {
  socket: RunSocket;
  events: number;
  errors: string[];
  ended?: string;
  disconnected?: string;
}

/**
 * Issue 14, finding 6: sessions outlived password changes and logout, and a
 * socket opened before a logout kept receiving events.
 */
describe('sessions end everywhere at once', () => {
  let server: TestServer;
  let runId: string;
  let counter = 0;
  const sockets: RunSocket[] = [];

  const person = async () => {
    const credentials = { email: `session-${++counter}@pipewright.test`, password: `a-password-${counter}` };
    expect((await api(server, 'POST', '/users', { ...credentials, role: 'editor' })).status).toBe(201);
    const session = async (): Promise<Identity> => ({
      url: server.url,
      token: await logIn(server, credentials.email, credentials.password),
    });
    return { ...credentials, session };
  };

  /** Connects a socket with the identity's session and subscribes to the run, once its stored events arrived. */
  const watch = async (identity: Identity): Promise<Watched> => {
    const socket: RunSocket = io(`${server.url}/runs`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: identity.token },
    });
    sockets.push(socket);
    const watched: Watched = { socket, events: 0, errors: [] };
    socket.on('run-event', () => watched.events++);
    socket.on('subscribe-error', (error) => watched.errors.push(error.message));
    socket.on('session-ended', (info) => (watched.ended = info.reason));
    socket.on('disconnect', (reason) => (watched.disconnected = reason));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    socket.emit('subscribe', { runId, afterSeq: 0 });
    await waitFor(async () => (watched.events > 0 ? true : undefined), 10_000, 'the stored events');
    return watched;
  };
  const closedByServer = (watched: Watched) =>
    waitFor(async () => watched.disconnected, 10_000, 'the server to close the socket');

  beforeAll(async () => {
    server = await startTestServer();
    const pipeline = await api<{ id: string }>(server, 'POST', '/pipelines', breastCancerPipeline());
    runId = (await api<{ id: string }>(server, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
    await waitFor(async () => {
      const { body } = await api<RunDocument>(server, 'GET', `/runs/${runId}`);
      return body.status === 'succeeded' ? true : undefined;
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
  });

  it("ends the user's other sessions and their sockets when the password changes, and keeps this one", async () => {
    const user = await person();
    const [mine, other] = [await user.session(), await user.session()];
    const [mySocket, otherSocket] = [await watch(mine), await watch(other)];

    const changed = await api(mine, 'POST', '/auth/password', {
      currentPassword: user.password,
      newPassword: 'a-brand-new-password',
    });
    expect(changed.status).toBe(204);
    expect((await api(other, 'GET', '/pipelines')).status).toBe(401);
    expect(await closedByServer(otherSocket)).toBe('io server disconnect');
    expect(otherSocket.ended).toMatch(/^the session ended/);

    expect((await api(mine, 'GET', '/pipelines')).status).toBe(200);
    expect(mySocket.disconnected).toBeUndefined();
    expect(mySocket.socket.connected).toBe(true);
  });

  it("closes a session's sockets on logout, and a new one with its token is refused", async () => {
    const user = await person();
    const [leaving, staying] = [await user.session(), await user.session()];
    const [leavingSocket, stayingSocket] = [await watch(leaving), await watch(staying)];
    expect((await api(leaving, 'POST', '/auth/logout')).status).toBe(204);
    expect(await closedByServer(leavingSocket)).toBe('io server disconnect');
    expect(stayingSocket.socket.connected).toBe(true);
    await expect(watch(leaving)).rejects.toThrow(/^unauthenticated/);
  });

  it('closes a socket when its session expires', async () => {
    const user = await person();
    const session = await user.session();
    // The session has a second to live (set in the database, as if 14 days had passed).
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    try {
      await client.query(
        `UPDATE sessions SET expires_at = now() + interval '1 second'
          WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
        [user.email],
      );
    } finally {
      await client.end();
    }
    const watched = await watch(session);
    expect(await closedByServer(watched)).toBe('io server disconnect');
    expect((await api(session, 'GET', '/pipelines')).status).toBe(401);
  });

  it('cuts a disabled user off at once, over the API and Socket.IO', async () => {
    const user = await person();
    const session = await user.session();
    const watched = await watch(session);
    const me = await api<{ user: { id: string } }>(session, 'GET', '/auth/me');
    expect((await api(server, 'PATCH', `/users/${me.body.user.id}`, { disabled: true })).status).toBe(200);
    expect((await api(session, 'GET', '/pipelines')).status).toBe(401);
    expect(await closedByServer(watched)).toBe('io server disconnect');
  });

  it("ends a socket's subscriptions to the runs of a workspace its session left", async () => {
    const user = await person();
    const session = await user.session();
    const team = await api<{ id: string }>(server, 'POST', '/workspaces', { name: 'Elsewhere' });
    await api(server, 'POST', `/workspaces/${team.body.id}/members`, { email: user.email, role: 'viewer' });
    const watched = await watch(session);
    expect((await api(session, 'POST', '/auth/workspace', { workspaceId: team.body.id })).status).toBe(200);
    await waitFor(async () => watched.errors[0], 10_000, 'the subscription to end');
    expect(watched.errors).toEqual([`run "${runId}" belongs to a workspace this session no longer works in`]);
    expect(watched.socket.connected).toBe(true);
  });
});
