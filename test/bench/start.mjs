// `npm run bench -- start [--no-write]`
//
// `npm start` to healthy, as its two steps: the build check (incremental
// tsc -b, timed once) and `node server/dist/main.js` from spawning to the
// first `GET /api/health` that answers ok with a live worker, cold (a new
// PIPEWRIGHT_HOME: the embedded PostgreSQL is initialised and migrated) and
// warm (the same home again). Then the server process's RSS once healthy and
// idle, and its peak while starting.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../server/dist/free-port.js';
import { figure, fmt, machineLine, root, watchPeakRss, writePerformanceSection } from './figures.mjs';

/* global fetch -- Node's own */
const args = process.argv.slice(2);
const bench = 'start';
const loadBefore = machineLine();
const home = mkdtempSync(join(tmpdir(), 'pipewright-bench-start-'));
// The embedded PostgreSQL runs as its own user (when this runs as root) and must reach its directory.
chmodSync(home, 0o755);

const rssMiB = (pid) => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
};

/** `npm start`'s first step: the incremental build check (ms). */
function buildCheck() {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`the build check failed (${result.status ?? result.signal})`);
  return performance.now() - started;
}

/** `npm start`'s second step, `node server/dist/main.js`, until healthy: its time (ms) and memory. */
async function startOnce() {
  const port = await freePort();
  const started = performance.now();
  const server = spawn(process.execPath, [join(root, 'server/dist/main.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), PIPEWRIGHT_HOME: home, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  const exit = new Promise((resolve) => server.on('exit', () => resolve((exited = true))));
  const rss = watchPeakRss(server.pid, 50);
  try {
    for (;;) {
      if (exited) throw new Error('the server exited before it was healthy');
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        if (response.ok) {
          const health = await response.json();
          if (health.status === 'ok' && health.workers >= 1) break;
        }
      } catch {
        // Not listening yet.
      }
      if (performance.now() - started > 180_000) throw new Error('the server was not healthy within 3 minutes');
      await sleep(25);
    }
    const ms = performance.now() - started;
    await sleep(2000);
    return { ms, idleMiB: rssMiB(server.pid), peakMiB: rss.stop() };
  } finally {
    server.kill('SIGTERM');
    const stopped = await Promise.race([exit, sleep(30_000).then(() => false)]);
    if (!stopped) {
      server.kill('SIGKILL');
      await exit;
    }
  }
}

try {
  const build = buildCheck();
  console.log(`build check: ${fmt(build)} ms`);
  const cold = await startOnce();
  console.log(`cold: ${fmt(cold.ms)} ms`);
  const warm = await startOnce();
  console.log(`warm: ${fmt(warm.ms)} ms`);
  const figures = [
    figure({ bench, metric: 'npm start to healthy, cold (new home)', value: (build + cold.ms) / 1000, unit: 's' }),
    figure({ bench, metric: 'npm start to healthy, warm', value: (build + warm.ms) / 1000, unit: 's' }),
    figure({ bench, metric: 'of which the build check (tsc -b, nothing to do)', value: build / 1000, unit: 's' }),
    figure({ bench, metric: 'server + worker RSS, healthy and idle', value: warm.idleMiB, unit: 'MiB' }),
    figure({ bench, metric: 'server + worker peak RSS, cold start', value: cold.peakMiB, unit: 'MiB' }),
  ];
  const table = [
    '| figure | value |',
    '| --- | ---: |',
    ...figures.map((f) => `| ${f.metric} | ${fmt(f.value)} ${f.unit} |`),
  ];
  console.log(`\n${table.join('\n')}\n`);
  if (!args.includes('--no-write')) {
    writePerformanceSection(
      bench,
      `## Start and memory (\`bench start\`)

Measured with \`npm run bench -- start\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine at the start: ${loadBefore}; at the end: ${machineLine()}.

\`npm start\` is the build check (incremental \`tsc -b\`, timed once) and then \`node server/dist/main.js\`, timed
from its spawn to the first \`GET /api/health\` answering ok with a live worker. Cold: a new \`PIPEWRIGHT_HOME\`, so the embedded PostgreSQL is initialised and
migrated; warm: the same home again. The peak RSS of the server (with its in-process worker) during each of the
other benches is in their own sections.

${table.join('\n')}`,
    );
    console.log('wrote docs/performance.md (start)');
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
