// What every benchmark module shares: how it reports a figure, how
// `run.mjs` prints them, and how a module writes its part of
// docs/performance.md. A module is test/bench/<name>.mjs, run as its own
// process; it calls `figure()` for each number it measured, and run.mjs
// gathers them from the file named by PIPEWRIGHT_BENCH_FIGURES (one JSON
// line each) into the text table or, with --json, one JSON line a figure:
// {bench, metric, value, unit, baseline?, ratio?, target?, met?}.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const PERFORMANCE_DOC = join(root, 'docs', 'performance.md');

/**
 * Records one figure. `target` is a readable bound such as "≤ 30" or "≥ 1000"
 * (in the figure's unit, or "×" for a ratio); `met` says whether the figure
 * (its ratio when it has one) keeps it. Returns the figure as recorded.
 */
export function figure({ bench, metric, value, unit, baseline, ratio, target, met }) {
  if (typeof bench !== 'string' || typeof metric !== 'string' || typeof unit !== 'string') {
    throw new Error(`a figure needs bench, metric and unit strings (got ${JSON.stringify({ bench, metric, unit })})`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`figure ${bench}/${metric}: value ${String(value)} is not a finite number`);
  }
  const recorded = { bench, metric, value: round(value), unit };
  if (baseline !== undefined) recorded.baseline = baseline;
  if (ratio !== undefined) recorded.ratio = round(ratio);
  if (target !== undefined) recorded.target = target;
  if (met === undefined && target !== undefined) met = meets(ratio ?? value, target);
  if (met !== undefined) recorded.met = met;
  const file = process.env.PIPEWRIGHT_BENCH_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(recorded)}\n`);
  return recorded;
}

/** Whether `value` keeps a target written "≤ N", "< N", "≥ N" or "> N". */
export function meets(value, target) {
  const match = /^\s*(≤|<=|<|≥|>=|>)\s*([-\d.,]+)/.exec(target);
  if (!match) throw new Error(`target "${target}" is not of the form "≤ N" or "≥ N"`);
  const bound = Number(match[2].replaceAll(',', ''));
  switch (match[1]) {
    case '≤':
    case '<=':
      return value <= bound;
    case '<':
      return value < bound;
    case '≥':
    case '>=':
      return value >= bound;
    default:
      return value > bound;
  }
}

/** The figures a module wrote to `file`, in order. */
export function readFigures(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

/** The figures as a Markdown table (the text `npm run bench` prints and docs/performance.md holds). */
export function figureTable(figures) {
  const rows = figures.map((f) => [
    f.bench,
    f.metric,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ?? '',
    f.ratio === undefined ? '' : `${fmt(f.ratio)}×`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'NOT met',
  ]);
  const header = ['bench', 'metric', 'value', 'baseline', 'ratio', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A number as the tables show it: three significant digits below 100, whole numbers above. */
export function fmt(n, digits) {
  if (digits !== undefined) {
    return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  }
  const abs = Math.abs(n);
  const fraction = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: fraction });
}

function round(n) {
  return Math.abs(n) >= 100 ? Math.round(n * 10) / 10 : Math.round(n * 1000) / 1000;
}

/** One line about the machine and how busy it is now (`uptime`'s load averages). */
export function machineLine() {
  const [one, five] = loadavg();
  return (
    `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${one.toFixed(1)} (1 min), ${five.toFixed(1)} (5 min)`
  );
}

/**
 * Follows a process's peak resident memory (VmHWM, which the kernel keeps
 * as a high-water mark) until `stop()`, which answers it in MiB. Reads every
 * `everyMs`; the last read before the process ends is its peak so far.
 */
export function watchPeakRss(pid, everyMs = 100) {
  let peakKb = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process has ended: its last reading stands.
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  timer.unref();
  return {
    stop() {
      read();
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}

/**
 * Runs a bench contestant's process in `cwd` and answers its last JSON line
 * with its peak RSS (MiB) beside it; a non-zero exit or no output rejects,
 * with the end of what it printed.
 */
export function runContestant(command, argv, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    const rss = watchPeakRss(child.pid);
    let out = '';
    child.stdout.on('data', (data) => (out += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const peakMiB = rss.stop();
      const lines = out.trim().split('\n').filter(Boolean);
      if (code !== 0 || lines.length === 0) {
        reject(new Error(`${command} ${argv.join(' ')} exited with ${code}: ${out.slice(-2000)}`));
        return;
      }
      resolve({ ...JSON.parse(lines.at(-1)), peakMiB });
    });
  });
}

/**
 * Writes a module's part of docs/performance.md: the text between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, added at the end when the
 * file has none yet, so each bench replaces only its own section.
 */
export function writePerformanceSection(name, markdown, path = PERFORMANCE_DOC) {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const body = `${start}\n\n${markdown.trim()}\n\n${end}`;
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from >= 0 && to > from) doc = `${doc.slice(0, from)}${body}${doc.slice(to + end.length)}`;
  else doc = `${doc.trimEnd()}\n\n${body}\n`;
  writeFileSync(path, doc);
  // The repository's lint checks formatting: lay the tables out as prettier does.
  spawnSync(join(root, 'node_modules', '.bin', 'prettier'), ['--write', path], { stdio: 'ignore' });
}

/** The value of `--name=value` among a module's arguments, or `fallback`. */
export function option(args, name, fallback) {
  const given = args.find((a) => a.startsWith(`--${name}=`));
  return given === undefined ? fallback : given.slice(name.length + 3);
}
