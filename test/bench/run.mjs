// `npm run bench [-- NAME…] [--json] [module options…]`: runs
// test/bench/<NAME>.mjs for each name given, or every benchmark in this
// folder when none is, each as its own process. Every module reports its
// figures through figures.mjs; at the end this prints them all as one table
// or, with --json, one JSON line a figure on stdout
// ({bench, metric, value, unit, baseline?, ratio?, target?, met?}; the
// modules' own output then goes to stderr). Figures are ratios against a
// baseline measured in the same run wherever there is one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figureTable, machineLine, readFigures } from './figures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_BENCHES = new Set(['run.mjs', 'figures.mjs']);
const available = readdirSync(here)
  .filter((file) => file.endsWith('.mjs') && !NOT_BENCHES.has(file) && !file.startsWith('_'))
  .map((file) => file.slice(0, -'.mjs'.length))
  .sort();

/**
 * Lighter settings when every bench runs, so `npm run bench` ends within ten
 * minutes on two cores; `npm run bench -- NAME` runs a module at its own defaults.
 */
const WHEN_ALL_RUN = {
  serve: ['--seconds=4', '--rounds=2'],
  parity: ['--models=logistic,linear,tree', '--no-write'],
  // Ten million rows take minutes on two cores: the full set runs one million, and keeps the doc's figures.
  scale10m: ['--rows=1000000', '--no-write'],
  // The one-thread forest (the parallel-trees A/B) adds a minute: the full set leaves it out, and keeps the doc's figures.
  trees: ['--no-one-thread', '--no-write'],
};

const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith('-'));
const options = args.filter((arg) => arg.startsWith('-'));
const json = options.includes('--json');
for (const name of names) {
  if (!existsSync(join(here, `${name}.mjs`))) {
    console.error(`no benchmark "${name}"; there are: ${available.join(', ') || 'none'}`);
    process.exit(2);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'pipewright-bench-'));
const started = Date.now();
const figures = [];
/** The benches that did not finish well, with how they ended: named again at the end, past their output. */
const failed = [];
const all = names.length === 0;
for (const name of all ? available : names) {
  console.error(`\n━━ bench: ${name} ━━`);
  const file = join(scratch, `${name}.jsonl`);
  const moduleOptions = [...(all ? (WHEN_ALL_RUN[name] ?? []) : []), ...options.filter((o) => o !== '--json')];
  const t0 = Date.now();
  const result = spawnSync(process.execPath, [join(here, `${name}.mjs`), ...moduleOptions], {
    // With --json, stdout carries only the figures: a module's own lines go to stderr.
    stdio: ['ignore', json ? 2 : 'inherit', 'inherit'],
    env: { ...process.env, PIPEWRIGHT_BENCH_FIGURES: file },
  });
  const own = readFigures(file);
  figures.push(...own);
  console.error(`bench ${name}: ${own.length} figures in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (result.status !== 0) {
    console.error(`bench ${name} exited with ${result.status ?? result.signal}`);
    failed.push(`${name} (exited with ${result.status ?? result.signal})`);
  }
}
rmSync(scratch, { recursive: true, force: true });

if (json) {
  for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`);
} else {
  console.log(`\n${figureTable(figures)}\n`);
  console.log(`${figures.length} figures in ${((Date.now() - started) / 1000).toFixed(0)} s on ${machineLine()}`);
}
if (failed.length > 0) {
  console.error(
    `\n${failed.length} bench${failed.length === 1 ? '' : 'es'} failed: ${failed.join(', ')} (see each one's output above)`,
  );
}
process.exit(failed.length > 0 ? 1 : 0);
