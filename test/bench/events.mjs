// `npm run bench -- events [--events=10000] [--rate=1000] [--runs=10] [--no-write]`
//
// Progress events from a worker to a Socket.IO client: a server (HTTP,
// Socket.IO, no worker of its own) in this process, and `runs` runs of 10
// nodes each whose progress is recorded exactly as a worker records it
// (HeldReports, as NodeJobRunner holds a node's reports a moment, then
// RunScheduler.report: the events appended and NOTIFYed in one statement)
// at `rate` events a second in all, each carrying the time it
// was sent. A Socket.IO client (websocket, as the studio) subscribes to
// every run and measures each event's latency from send to receipt, the rate
// it received them at, and whether any was lost or came twice (each run's
// seqs must be 1, 2, 3, … exactly once). The client runs in its own process,
// so the server's event loop and the client's do not take turns. Then the
// per-node coalescing: a loop reporting progress as fast as it can, through
// the worker's throttle, and how many events it let through.
import { fork } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { figure, fmt, machineLine, option, watchPeakRss, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const bench = 'events';
/* global fetch -- Node's own */

if (process.argv[2] === '--client') {
  await runClient();
} else {
  await runBench();
}

/** The Socket.IO client: subscribes to the runs it is told, reports what it received. */
async function runClient() {
  const { io } = await import('socket.io-client');
  const [, , , url, token, runsJson, expectedArg] = process.argv;
  const runIds = JSON.parse(runsJson);
  const expected = Number(expectedArg);
  const socket = io(`${url}/runs`, { transports: ['websocket'], reconnection: false, auth: { token } });
  const seqs = new Map(runIds.map((id) => [id, []]));
  const latencies = [];
  let first;
  let last;
  socket.on('run-event', (event) => {
    const now = Date.now();
    seqs.get(event.runId)?.push(event.seq);
    if (event.type !== 'node-progress' || event.metrics?.sentAt === undefined) return;
    latencies.push(now - event.metrics.sentAt);
    first ??= now;
    last = now;
    if (latencies.length === expected) {
      process.send({ latencies, seqs: Object.fromEntries(seqs), spanMs: last - first });
      socket.disconnect();
    }
  });
  await new Promise((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  for (const runId of runIds) socket.emit('subscribe', { runId, afterSeq: 0 });
  await sleep(500);
  process.send({ ready: true });
}

async function runBench() {
  const EVENTS = Number(option(args, 'events', 10_000));
  const RATE = Number(option(args, 'rate', 1_000));
  const RUNS = Math.max(1, Number(option(args, 'runs', 10)));
  const NODES = 10;
  const home = mkdtempSync(join(tmpdir(), 'pipewright-bench-events-'));
  chmodSync(home, 0o755);
  process.env.PIPEWRIGHT_HOME = home;
  process.env.PIPEWRIGHT_ADMIN_EMAIL = 'bench@example.com';
  process.env.PIPEWRIGHT_ADMIN_PASSWORD = 'quiet-harbour-lantern-7';
  process.env.PORT = String(await (await import('../../server/dist/free-port.js')).freePort());
  const loadBefore = machineLine();
  const { startServer } = await import('../../server/dist/application.js');
  const { RunsService } = await import('../../server/dist/runs/runs.service.js');
  const { RunScheduler } = await import('../../server/dist/runs/run-scheduler.js');
  const { throttleProgress } = await import('../../server/dist/runtime/progress-throttle.js');
  const { HeldReports } = await import('../../server/dist/worker/held-reports.js');
  const server = await startServer({ worker: false, logger: ['error'], log: () => undefined });
  const rss = watchPeakRss(process.pid);
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.com', password: 'quiet-harbour-lantern-7' }),
    });
    if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = await login.json();

    // Runs of NODES cheap nodes that nothing works on: only this process's "worker" reports their progress.
    const pipeline = {
      format: 'pipewright/v1',
      name: 'bench-events',
      nodes: Array.from({ length: NODES }, (_, i) => ({
        id: `n${i}`,
        type: 'source.csv',
        params: { path: fileURLToPath(new URL('../../examples/data/iris.csv', import.meta.url)) },
        position: { x: 0, y: 100 * i },
      })),
      edges: [],
    };
    const runs = server.app.get(RunsService);
    const scheduler = server.app.get(RunScheduler);
    const runIds = [];
    for (let r = 0; r < RUNS; r++) {
      runIds.push((await runs.startFile(pipeline, { params: {}, dataDirs: [] })).id);
    }
    // Each node is taken as a worker takes it (only a running node's progress is recorded).
    for (const runId of runIds) {
      for (let i = 0; i < NODES; i++) await scheduler.claim(runId, `n${i}`);
    }

    const client = fork(fileURLToPath(import.meta.url), [
      '--client',
      server.url,
      accessToken,
      JSON.stringify(runIds),
      String(EVENTS),
    ]);
    const clientRss = watchPeakRss(client.pid);
    const messages = [];
    let wake;
    client.on('message', (message) => {
      messages.push(message);
      wake?.();
    });
    const next = async () => {
      while (messages.length === 0) await new Promise((resolve) => (wake = resolve));
      return messages.shift();
    };
    await next(); // ready

    // Each run's events are sent in order by its own loop, paced to RATE / RUNS a second. As NodeJobRunner does, a
    // node's reports are held a moment and written in order, a batch at a time, and the node does not wait for them.
    const perRun = Math.ceil(EVENTS / RUNS);
    const started = performance.now();
    const held = [];
    await Promise.all(
      runIds.map(async (runId, r) => {
        const count = Math.min(perRun, EVENTS - r * perRun);
        const nodes = Array.from({ length: NODES }, () => new HeldReports((batch) => scheduler.report(runId, batch)));
        for (let i = 0; i < count; i++) {
          const due = started + (i * 1000 * RUNS) / RATE;
          const wait = due - performance.now();
          if (wait > 1) await sleep(wait);
          const nodeId = `n${i % NODES}`;
          const body = { detail: `event ${i}`, metrics: { sentAt: Date.now() } };
          nodes[i % NODES].add({ type: 'node-progress', nodeId, pct: (100 * i) / count, ...body });
        }
        held.push(...nodes.map(async (reports) => scheduler.report(runId, await reports.end())));
      }),
    );
    await Promise.all(held);
    const sendMs = performance.now() - started;
    const received = await next();
    const clientPeak = clientRss.stop();
    client.kill();

    const latencies = received.latencies.sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    let lost = 0;
    let duplicated = 0;
    for (const runId of runIds) {
      const seqs = received.seqs[runId];
      const seen = new Set();
      for (const seq of seqs) {
        if (seen.has(seq)) duplicated++;
        seen.add(seq);
      }
      const highest = Math.max(...seqs);
      for (let seq = 1; seq <= highest; seq++) if (!seen.has(seq)) lost++;
    }
    lost += EVENTS - latencies.length;

    // Coalescing: a node reporting progress in a tight loop for one second, through the worker's throttle.
    let calls = 0;
    let passed = 0;
    const report = throttleProgress(() => passed++);
    const loopStart = performance.now();
    while (performance.now() - loopStart < 1000) {
      report(((performance.now() - loopStart) / 1000) * 99);
      calls++;
    }
    report(100);

    const figures = [
      figure({
        bench,
        metric: `${fmt(EVENTS)} progress events: p95 latency`,
        value: p(0.95),
        unit: 'ms',
        target: '≤ 100',
      }),
      figure({ bench, metric: 'p50 latency', value: p(0.5), unit: 'ms' }),
      figure({ bench, metric: 'p99 latency', value: p(0.99), unit: 'ms' }),
      figure({
        bench,
        metric: 'events received a second',
        value: (1000 * latencies.length) / Math.max(1, received.spanMs),
        unit: 'events/s',
        target: '≥ 1000',
      }),
      figure({ bench, metric: 'events sent a second', value: (1000 * EVENTS) / sendMs, unit: 'events/s' }),
      figure({ bench, metric: 'events lost', value: lost, unit: 'events', target: '≤ 0' }),
      figure({ bench, metric: 'events duplicated', value: duplicated, unit: 'events', target: '≤ 0' }),
      figure({
        bench,
        metric: `progress calls of a tight loop passed on (of ${fmt(calls)} in 1 s)`,
        value: passed,
        unit: 'events',
        target: '≤ 12',
      }),
      figure({ bench, metric: 'peak RSS, server + recording worker', value: rss.stop(), unit: 'MiB' }),
      figure({ bench, metric: 'peak RSS, Socket.IO client', value: clientPeak, unit: 'MiB' }),
    ];
    const table = [
      '| figure | value | target |',
      '| --- | ---: | --- |',
      ...figures.map(
        (f) =>
          `| ${f.metric} | ${fmt(f.value)} ${f.unit} | ${f.target ? `${f.target} ${f.met ? '(met)' : '(not met)'}` : ''} |`,
      ),
    ];
    console.log(`\n${table.join('\n')}\n`);
    if (!args.includes('--no-write')) {
      writePerformanceSection(
        'events',
        `## Run events (\`bench events\`)

Measured with \`npm run bench -- events${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine at the start: ${loadBefore}; at the end: ${machineLine()}.

${fmt(EVENTS)} \`node-progress\` events over ${RUNS} runs of ${NODES} nodes, recorded as a worker records them
(held 15 ms by \`HeldReports\`, then \`RunScheduler.report\`: appended and NOTIFYed in one statement) at ${fmt(RATE)} a second in all, each carrying
the time it was sent; a Socket.IO client in its own process (websocket, as the studio) subscribed to every run.
Latency is from the worker's send to the client's receipt. Lost and duplicated are counted from each run's seqs.
The last row is a node reporting progress in a tight loop for a second: the worker's throttle
(\`server/src/runtime/progress-throttle.ts\`, at most one report a node every 100 ms, epochs and 100 % always)
decides how many reach the database and the browser.

${table.join('\n')}`,
      );
      console.log('wrote docs/performance.md (events)');
    }
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
  process.exit(0);
}
