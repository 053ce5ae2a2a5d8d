// The training bench's generated rows, written once per shape and reused:
// 32 standard-normal features and a binary label drawn from a fixed random
// teacher network (32-16-1, tanh) with 5 % of labels flipped, so a
// 32-128-128 MLP has something to learn and cannot be perfect. Seeded: every
// run and every contestant reads the same bytes. Train and held-out rows
// come from different seeds of the same generator.
import { createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from './bench-data.mjs';

export const FEATURES = Array.from({ length: 32 }, (_, i) => `x${i + 1}`);
export const LABEL = 'label';
const TEACHER_HIDDEN = 16;
const FLIPPED = 0.05;
const FORMAT_VERSION = 1;

function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The teacher's weights: the same for train and held-out rows. */
function teacher() {
  const random = seededRandom(7);
  const w1 = Array.from({ length: TEACHER_HIDDEN }, () => FEATURES.map(() => normal(random) / Math.sqrt(8)));
  const w2 = Array.from({ length: TEACHER_HIDDEN }, () => normal(random));
  return (x) => {
    let out = 0;
    for (let h = 0; h < TEACHER_HIDDEN; h++) {
      let z = 0;
      for (let j = 0; j < x.length; j++) z += w1[h][j] * x[j];
      out += w2[h] * Math.tanh(z);
    }
    return out;
  };
}

/**
 * The path of the generated CSV (`rows` rows; `part` 'train' or 'test') in
 * the system's temporary directory, writing it first when it is not there.
 */
export async function trainCsv(rows, part, dir = join(tmpdir(), 'pipewright-bench-train')) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${part}-v${FORMAT_VERSION}-${rows}.csv`);
  if (existsSync(path)) return path;
  const random = seededRandom(part === 'train' ? 1 : 2);
  const score = teacher();
  const partial = `${path}.${process.pid}.partial`;
  const out = createWriteStream(partial);
  const write = (text) => (out.write(text) ? undefined : new Promise((resolve) => out.once('drain', resolve)));
  await write(`${[...FEATURES, LABEL].join(',')}\n`);
  let lines = [];
  for (let i = 0; i < rows; i++) {
    const x = FEATURES.map(() => normal(random));
    let label = score(x) > 0 ? 1 : 0;
    if (random() < FLIPPED) label = 1 - label;
    lines.push(`${x.map((v) => v.toFixed(5)).join(',')},${label}`);
    if (lines.length === 5000) {
      await write(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length) await write(`${lines.join('\n')}\n`);
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
  renameSync(partial, path);
  return path;
}

/** A generated CSV as features (rows × 32, Float32Array) and labels (0/1), for the baselines. */
export function readTrainCsv(text) {
  const lines = text.trimEnd().split('\n').slice(1);
  const width = FEATURES.length;
  const x = new Float32Array(lines.length * width);
  const y = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    for (let j = 0; j < width; j++) x[i * width + j] = Number(cells[j]);
    y[i] = Number(cells[width]);
  });
  return { x, y, rows: lines.length, width };
}

/** The pipeline Pipewright runs: train.mlp on the train rows, scored and evaluated on the held-out rows. */
export function trainPipeline(trainPath, testPath, { epochs, batchSize, layers }) {
  const nodes = [
    { id: 'train_rows', type: 'source.csv', params: { path: trainPath } },
    { id: 'test_rows', type: 'source.csv', params: { path: testPath } },
    {
      id: 'mlp',
      type: 'train.mlp',
      params: { label: LABEL, task: 'classification', layers, epochs, batchSize, validationFraction: 0, seed: 0 },
    },
    { id: 'score', type: 'evaluate.score', params: {} },
    { id: 'evaluate', type: 'evaluate.classification', params: {} },
  ];
  const edges = [
    { from: 'train_rows.out', to: 'mlp.in' },
    { from: 'mlp.model', to: 'score.model' },
    { from: 'test_rows.out', to: 'score.in' },
    { from: 'score.out', to: 'evaluate.in' },
  ];
  return {
    format: 'pipewright/v1',
    name: 'bench-train',
    nodes: nodes.map((node, i) => ({ ...node, position: { x: 200 * i, y: 0 } })),
    edges,
  };
}
