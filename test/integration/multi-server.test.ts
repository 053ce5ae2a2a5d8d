import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RunEvent, ServerToClientEvents } from '../../nodes/dist/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/dist/application.js';
import { readSettings } from '../../server/dist/config/settings.js';
import { slowBreastCancerPipeline } from './example-pipelines.js';
import { api, logIn, startTestServer, waitFor, type Identity, type TestServer } from './test-environment.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A row of the example's data without its label, as a prediction request sends it. */
function exampleRow(): Record<string, number> {
  const [header, first] = readFileSync(join(root, 'examples/data/breast_cancer.csv'), 'utf8').split('\n');
  const names = header.split(',');
  const values = first.split(',');
  return Object.fromEntries(
    names.map((name, i) => [name, Number(values[i])] as const).filter(([name]) => name !== 'diagnosis'),
  );
}

async function predict(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/api/predict/cancer-multi`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ rows: [exampleRow()] }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('two server instances and two workers on one database', () => {
  let a: TestServer;
  let b: RunningServer;
  let onB: Identity;
  const workers: ChildProcess[] = [];
  let runId: string;

  beforeAll(async () => {
    a = await startTestServer({ worker: false });
    // B shares A's database (the embedded one A started, found running) and artifact directory.
    b = await startServer({
      settings: readSettings({ ...a.environment.env, PORT: '0' }),
      worker: false,
      logger: ['error', 'warn'],
      log: () => undefined,
    });
    onB = { url: b.url, token: await logIn(b, a.admin.email, a.admin.password) };
    for (let i = 0; i < 2; i++) {
      const worker = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), 'worker'], {
        env: a.environment.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('is taking jobs')) resolve();
        };
        worker.stdout?.on('data', onData);
        worker.stderr?.on('data', onData);
        worker.on('exit', (code) => reject(new Error(`a worker exited (${code}) before taking jobs:\n${output}`)));
      });
    }
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
    await Promise.all(
      workers.map((worker) =>
        worker.exitCode === null && worker.signalCode === null
          ? new Promise((resolve) => worker.once('exit', resolve))
          : undefined,
      ),
    );
    await b?.close();
    await a?.close();
  });

  it('streams to a client of A every event of a run started on B and run by the workers, gapless', async () => {
    const pipeline = await api<{ id: string }>(onB, 'POST', '/pipelines', slowBreastCancerPipeline(1500));
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${a.url}/runs`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: a.token },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', resolve);
        socket.on('connect_error', reject);
      });
      runId = (await api<{ id: string }>(onB, 'POST', `/pipelines/${pipeline.body.id}/runs`, {})).body.id;
      const received: RunEvent[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no run-finished on A within 150 s')), 150_000);
        socket.on('run-event', (event) => {
          received.push(event);
          if (event.type === 'run-finished') {
            clearTimeout(timer);
            resolve();
          }
        });
        socket.emit('subscribe', { runId, afterSeq: 0 });
      });
      expect(received.at(-1)).toMatchObject({ type: 'run-finished', status: 'succeeded' });
      expect(received.map((event) => event.seq)).toEqual(received.map((_, i) => i + 1));
      // Live progress came through A while the node ran on a worker, not only the replay at the end.
      expect(received.filter((e) => e.type === 'node-progress' && e.nodeId === 'train').length).toBeGreaterThan(1);
      const stored = (await api<{ items: RunEvent[] }>(onB, 'GET', `/runs/${runId}/events`)).body.items;
      expect(received).toEqual(stored);
    } finally {
      socket.disconnect();
    }
    // Both servers see both workers.
    for (const server of [a, onB]) {
      const listed = await api<{ items: { live: boolean }[] }>(server, 'GET', '/workers');
      expect(listed.body.items.filter((worker) => worker.live)).toHaveLength(2);
    }
  });

  it('splits a key’s rate between the instances, and a key revoked on B stops working on A at once', async () => {
    const deployed = await api<{ apiKey: string }>(onB, 'POST', '/deployments', {
      runId,
      nodeId: 'train',
      name: 'cancer-multi',
    });
    expect(deployed.status).toBe(201);
    expect(await predict(a.url, deployed.body.apiKey)).toBe(200);

    const limited = await api<{ id: string; apiKey: string }>(onB, 'POST', '/deployments/cancer-multi/keys', {
      rateLimitPerSecond: 4,
    });
    expect(limited.status).toBe(201);
    // Each instance counts the other once its heartbeat has been seen (every 5 s).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => predict(i % 2 ? a.url : b.url, limited.body.apiKey)),
    );
    const seconds = (performance.now() - started) / 1000;
    const accepted = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    // 4 a second across both instances: a burst of 4, then 4 a second (each instance alone would allow 4 + 4/s).
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(accepted).toBeLessThanOrEqual(4 + Math.ceil(4 * seconds));

    const revoked = await api(onB, 'DELETE', `/deployments/cancer-multi/keys/${limited.body.id}`);
    expect(revoked.status).toBeLessThan(300);
    const refused = await waitFor(
      async () => ((await predict(a.url, limited.body.apiKey)) === 401 ? true : undefined),
      5_000,
      'A to refuse the key revoked on B',
    );
    expect(refused).toBe(true);
    expect(await predict(a.url, deployed.body.apiKey)).toBe(200);
  });
});
