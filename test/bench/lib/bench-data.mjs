// The bench's generated table, written once per shape and reused: `rows`
// rows of 20 columns (17 numbers, 3 text categories), about 2 % of cells
// missing and 1 % of rows repeating an earlier row exactly. Seeded, so every
// run and every contestant reads the same bytes.
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NUMERIC = Array.from({ length: 17 }, (_, i) => `x${i + 1}`);
export const CATEGORIES = {
  c1: ['red', 'green', 'blue', 'yellow', 'black'],
  c2: ['north', 'south', 'east', 'west', 'centre', 'coast', 'hills', 'plain'],
  c3: Array.from({ length: 12 }, (_, i) => `k${i + 1}`),
};
export const CATEGORICAL = Object.keys(CATEGORIES);
export const COLUMNS = [...NUMERIC, ...CATEGORICAL];
const MISSING = 0.02;
const DUPLICATE = 0.01;
const FORMAT_VERSION = 1;

/** A small seeded generator (mulberry32): the same seed gives the same numbers everywhere. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The path of the generated CSV of `rows` rows in `dir` (default: the
 * system's temporary directory), writing it first when it is not there.
 */
export async function benchCsv(rows, dir = join(tmpdir(), 'pipewright-bench-data')) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `table-v${FORMAT_VERSION}-${rows}.csv`);
  if (existsSync(path)) return path;
  const next = seededRandom(20261205);
  const normal = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const partial = `${path}.${process.pid}.part`;
  const out = createWriteStream(partial);
  const recent = [];
  out.write(`${COLUMNS.join(',')}\n`);
  let chunk = '';
  for (let row = 0; row < rows; row++) {
    let line;
    if (recent.length > 0 && next() < DUPLICATE) {
      line = recent[Math.floor(next() * recent.length)];
    } else {
      const cells = [];
      for (let i = 0; i < NUMERIC.length; i++) {
        // Some columns heavy-tailed, so clipping outliers has work to do.
        const value = i % 4 === 0 ? Math.exp(normal()) * 10 : normal() * (i + 1) + i * 3;
        cells.push(next() < MISSING ? '' : value.toFixed(4));
      }
      for (const name of CATEGORICAL) {
        const values = CATEGORIES[name];
        // Skewed: earlier categories are more frequent.
        const value = values[Math.floor(values.length * next() * next())];
        cells.push(next() < MISSING ? '' : value);
      }
      line = cells.join(',');
      if (recent.length < 1000) recent.push(line);
      else recent[Math.floor(next() * 1000)] = line;
    }
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  renameSync(partial, path);
  return path;
}

/**
 * The steps as a Pipewright pipeline (13 nodes): source → duplicates
 * → split → missing (median for numbers, then mode for the categories) → IQR
 * clip → standard scale → one-hot on the train side, and the test side
 * through transform.apply of each fitted transform.
 */
export function benchPipeline(csvPath) {
  const fitted = [
    ['median', 'clean.missing', { strategy: 'median' }],
    ['mode', 'clean.missing', { strategy: 'mode', columns: CATEGORICAL }],
    ['clip', 'clean.outliers', { method: 'iqr', action: 'clip' }],
    ['scale', 'feature.scale', { method: 'standard' }],
    ['onehot', 'feature.onehot', { columns: CATEGORICAL }],
  ];
  const nodes = [
    { id: 'source', type: 'source.csv', params: { path: csvPath } },
    { id: 'dedup', type: 'clean.duplicates', params: {} },
    { id: 'split', type: 'split.random', params: { fraction: 0.8, seed: 42 } },
  ];
  const edges = [
    { from: 'source.out', to: 'dedup.in' },
    { from: 'dedup.out', to: 'split.in' },
  ];
  let train = 'split.train';
  let test = 'split.test';
  for (const [id, type, params] of fitted) {
    nodes.push({ id, type, params });
    nodes.push({ id: `${id}_test`, type: 'transform.apply', params: {} });
    edges.push({ from: train, to: `${id}.in` });
    edges.push({ from: `${id}.transform`, to: `${id}_test.transform` });
    edges.push({ from: test, to: `${id}_test.in` });
    train = `${id}.out`;
    test = `${id}_test.out`;
  }
  return {
    format: 'pipewright/v1',
    name: 'bench-data',
    nodes: nodes.map((node, i) => ({ ...node, position: { x: 200 * i, y: 0 } })),
    edges,
  };
}
