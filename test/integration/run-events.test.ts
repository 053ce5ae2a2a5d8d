import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RunEvent, ServerToClientEvents } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunScheduler } from '../../server/dist/runs/run-scheduler.js';
import { slowBreastCancerPipeline } from './example-pipelines.js';
import { api, startTestServer, waitFor, type TestServer } from './test-environment.js';

type RunSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('run events over Socket.IO', () => {
  let server: TestServer;
  let pipelineId: string;
  const sockets: RunSocket[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', slowBreastCancerPipeline(8000));
    pipelineId = created.body.id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await server?.close();
  });

  const connect = (): RunSocket => {
    const socket: RunSocket = io(`${server.url}/runs`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: server.token },
    });
    sockets.push(socket);
    return socket;
  };
  // Each run its own seed, so no node is answered from the cache and the run takes a while.
  let seed = 0;
  const startRun = async (): Promise<string> =>
    (await api<{ id: string }>(server, 'POST', `/pipelines/${pipelineId}/runs`, { params: { seed: ++seed } })).body.id;
  const storedEvents = async (runId: string): Promise<RunEvent[]> =>
    (await api<{ items: RunEvent[] }>(server, 'GET', `/runs/${runId}/events`)).body.items;

  it('replays what a client missed while disconnected, then streams the rest: each event once, in order', async () => {
    const runId = await startRun();
    const received: RunEvent[] = [];

    // First connection: follow until training reports progress, then drop the connection mid-run.
    const first = connect();
    await new Promise<void>((resolve) => {
      first.on('run-event', (event) => {
        received.push(event);
        if (event.type === 'node-progress' && event.nodeId === 'train') {
          first.disconnect();
          resolve();
        }
      });
      first.emit('subscribe', { runId, afterSeq: 0 });
    });
    const seenBeforeDrop = received.length;
    expect(received.some((e) => e.type === 'run-finished')).toBe(false);

    // Events keep coming while nobody listens.
    await new Promise((resolve) => setTimeout(resolve, 400));

    const second = connect();
    const afterSeq = received.at(-1)!.seq;
    await new Promise<void>((resolve) => {
      second.on('run-event', (event) => {
        received.push(event);
        if (event.type === 'run-finished') resolve();
      });
      second.emit('subscribe', { runId, afterSeq });
    });

    const seqs = received.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(received.length).toBeGreaterThan(seenBeforeDrop + 1);
    expect(received).toEqual(await storedEvents(runId));
    expect(received.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
    // The run starts with its own event and then one a node; each node starts before it finishes, and in a
    // fused unit the next node starts after the one before finished (their events are written together).
    const nodeIds = slowBreastCancerPipeline(8000).nodes.map((node) => node.id);
    const start = received.slice(0, 1 + nodeIds.length);
    expect(start.map((event) => event.type)).toEqual(['run-started', ...nodeIds.map(() => 'node-queued')]);
    expect(new Set(start.map((event) => ('nodeId' in event ? event.nodeId : '')))).toEqual(new Set(['', ...nodeIds]));
    const at = (type: string, nodeId: string): number =>
      received.findIndex((event) => event.type === type && 'nodeId' in event && event.nodeId === nodeId);
    for (const nodeId of nodeIds) {
      expect(at('node-started', nodeId)).toBeGreaterThan(nodeIds.length);
      expect(at('node-finished', nodeId)).toBeGreaterThan(at('node-started', nodeId));
    }
  });

  it('gives every subscriber the whole run, whenever during the run it subscribes', async () => {
    const runId = await startRun();
    const streams = await Promise.all(
      [0, 150, 300, 450, 600].map(
        (delay) =>
          new Promise<RunEvent[]>((resolve) => {
            setTimeout(() => {
              const events: RunEvent[] = [];
              const socket = connect();
              socket.on('run-event', (event) => {
                events.push(event);
                if (event.type === 'run-finished') resolve(events);
              });
              socket.emit('subscribe', { runId, afterSeq: 0 });
            }, delay);
          }),
      ),
    );
    const stored = await storedEvents(runId);
    expect(stored.filter((e) => e.type === 'node-progress').length).toBeGreaterThan(5);
    for (const events of streams) expect(events).toEqual(stored);
  });

  it("shows a running node's progress in the run document as soon as its progress event arrives", async () => {
    const runId = await startRun();
    const socket = connect();
    const reported = await new Promise<number>((resolve) => {
      socket.on('run-event', (event) => {
        if (event.type === 'node-progress' && event.nodeId === 'train' && event.pct >= 1) resolve(event.pct);
      });
      socket.emit('subscribe', { runId, afterSeq: 0 });
    });
    const document = await api<{ nodes: Record<string, { status: string; progress: number }> }>(
      server,
      'GET',
      `/runs/${runId}`,
    );
    // The event and the node's progress are written in one statement: the document is never behind the event.
    expect(document.body.nodes.train.progress).toBeGreaterThanOrEqual(Math.min(100, Math.round(reported)));
    await api(server, 'POST', `/runs/${runId}/cancel`);
  });

  it('misses nothing when the server loses its notification connection mid-run', async () => {
    const runId = await startRun();
    const socket = connect();
    const events = new Promise<RunEvent[]>((resolve) => {
      const received: RunEvent[] = [];
      socket.on('run-event', (event) => {
        received.push(event);
        if (event.type === 'node-started' && event.nodeId === 'train') void dropListenerConnection();
        if (event.type === 'run-finished') resolve(received);
      });
    });
    socket.emit('subscribe', { runId, afterSeq: 0 });
    expect(await events).toEqual(await storedEvents(runId));
  });

  async function dropListenerConnection(): Promise<void> {
    const client = new pg.Client({ connectionString: server.server.database.url });
    await client.connect();
    try {
      const { rowCount } = await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'pipewright-listener' AND datname = current_database()`,
      );
      expect(rowCount).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  }

  it("writes progress reported at once by many runs' nodes gapless, each node's in the order it reported", async () => {
    // Both trainers must be running at once: a trainer that runs for minutes (cancelled below), and both runs on
    // one seed, so the second run's upstream nodes come from the first's cache and its trainer starts soon after.
    const slow = slowBreastCancerPipeline(100_000);
    const created = await api<{ id: string }>(server, 'POST', '/pipelines', slow);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const slowId = created.body.id;
    const start = async (): Promise<string> => {
      const started = await api<{ id: string }>(server, 'POST', `/pipelines/${slowId}/runs`, {
        params: { seed: 1000 },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      return started.body.id;
    };
    const runIds = [await start(), await start()];
    await waitFor(
      async () => {
        const runs = await Promise.all(
          runIds.map((runId) => api<{ nodes: Record<string, { status: string }> }>(server, 'GET', `/runs/${runId}`)),
        );
        return runs.every((run) => run.body.nodes.train.status === 'running') ? true : undefined;
      },
      60_000,
      'both trainers running',
    );
    // Reports made in one turn of the event loop, by both runs' trainers and by a node that is not running,
    // beside the worker's own reports: they are written together.
    const scheduler = server.server.app.get(RunScheduler);
    const reports = runIds.flatMap((runId) => [
      ...Array.from({ length: 50 }, (_, i) =>
        scheduler.report(runId, [
          { type: 'node-progress', nodeId: 'train', pct: 0.5, detail: `report ${i}`, metrics: { order: i } },
        ]),
      ),
      scheduler.report(runId, [{ type: 'node-progress', nodeId: 'metrics', pct: 50, detail: 'not running' }]),
    ]);
    await Promise.all(reports);
    for (const runId of runIds) await api(server, 'POST', `/runs/${runId}/cancel`);

    for (const runId of runIds) {
      const stored = await storedEvents(runId);
      expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => index + 1));
      const ours = stored.filter(
        (event): event is Extract<RunEvent, { type: 'node-progress' }> =>
          event.type === 'node-progress' && event.metrics?.order !== undefined,
      );
      expect(ours.map((event) => event.metrics?.order)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(stored.some((event) => event.type === 'node-progress' && event.nodeId === 'metrics')).toBe(false);
    }
  });

  it('says so when the run does not exist', async () => {
    const socket = connect();
    const error = await new Promise<{ runId: string; message: string }>((resolve) => {
      socket.on('subscribe-error', resolve);
      socket.emit('subscribe', { runId: '00000000-0000-4000-8000-000000000000', afterSeq: 0 });
    });
    expect(error.runId).toBe('00000000-0000-4000-8000-000000000000');
    expect(error.message).toMatch(/does not exist/);
  });
});
