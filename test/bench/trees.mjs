// `npm run bench -- trees [--no-one-thread] [--no-write]`
//
// Trees and neighbours on flights_100k, the scale set of the parity
// references (../shared/datasets/REFERENCE.md: 80,000 train / 20,000 test
// rows, label `late`, 5 numbers and 2 text columns), through the parity
// pipeline (test/parity/parity-pipeline.mjs: source → median / mode →
// train.MODEL → evaluate.score → evaluate.classification, the real runtime in
// this process):
// - train.forest (100 trees, seed 0): the node's fit time against
//   scikit-learn's recorded single-thread fit time (reference.json
//   fitSeconds), and its test accuracy against the reference's within the
//   parity tolerance. Grown as the worker grows it (histogram splits, trees
//   on every core's thread), and again with PIPEWRIGHT_THREADS=1 — the
//   same-run A/B of growing trees in parallel (skip it with --no-one-thread).
// - train.knn (k 5): the evaluate.score node's time on the 20,000 test rows
//   (reading them and writing the scores included) against scikit-learn's
//   brute-force KNeighborsClassifier.predict on the same rows, run here
//   (Debian's python3-sklearn for /usr/bin/python3; left out, and said so,
//   where it does not import), and its test accuracy against the reference.
// The split files come from test/fixtures/data/splits, PIPEWRIGHT_SPLITS_DIR
// or ../shared/datasets/splits beside the checkout (splitsDirOf).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { index, passes, reference, referenceFigure, runParity, splitsDirOf } from '../parity/parity-pipeline.mjs';
import { figure, fmt, machineLine, writePerformanceSection } from './figures.mjs';

const args = process.argv.slice(2);
const bench = 'trees';
const NAME = 'flights_100k';
const PYTHON = '/usr/bin/python3';
const oneThread = !args.includes('--no-one-thread');

const dir = splitsDirOf(NAME);
if (!dir) {
  console.error(
    `bench trees: ${NAME}.train.csv is in none of test/fixtures/data/splits, PIPEWRIGHT_SPLITS_DIR, ` +
      `or ../shared/datasets/splits beside the checkout; set PIPEWRIGHT_SPLITS_DIR to the folder holding the splits`,
  );
  process.exit(2);
}

const loadBefore = machineLine();
const log = (line) => console.error(`  ${line}`);

/** Runs the parity pipeline for `models`, failing the bench on a model's error. */
async function parity(models, env = {}) {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    const results = await runParity(NAME, models, { log });
    for (const model of models) {
      if (results[model].error) throw new Error(`${NAME} ${model}: ${results[model].error}`);
    }
    return results;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

console.error(`forest and knn on ${NAME} (${dir}), every thread…`);
const ours = await parity(['forest', 'knn']);
let single;
if (oneThread) {
  console.error('forest again with PIPEWRIGHT_THREADS=1…');
  single = (await parity(['forest'], { PIPEWRIGHT_THREADS: '1' })).forest;
}

// scikit-learn's brute-force kNN scoring of the same test rows, after the reference's preprocessing.
const SKLEARN = `
import json, sys, time
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
train, test, label = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2]), sys.argv[3]
x, y = train.drop(columns=[label]), train[label]
numeric = [c for c in x.columns if pd.api.types.is_numeric_dtype(x[c])]
text = [c for c in x.columns if c not in numeric]
prep = ColumnTransformer([
  ('num', Pipeline([('i', SimpleImputer(strategy='median')), ('s', StandardScaler())]), numeric),
  ('cat', Pipeline([('i', SimpleImputer(strategy='most_frequent')), ('o', OneHotEncoder(handle_unknown='ignore'))]), text),
])
model = Pipeline([('p', prep), ('m', KNeighborsClassifier(n_neighbors=5, algorithm='brute'))])
model.fit(x, y)
t0 = time.perf_counter()
predicted = model.predict(test.drop(columns=[label]))
seconds = time.perf_counter() - t0
print(json.dumps({'seconds': seconds, 'accuracy': float((predicted == test[label].to_numpy()).mean())}))
`;
let sklearn;
let sklearnMissing;
const probe = spawnSync(PYTHON, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' });
if (probe.status !== 0) {
  sklearnMissing = `scikit-learn does not import in ${PYTHON} (apt-get install -y python3-sklearn): its kNN scoring is left out.`;
  console.error(sklearnMissing);
} else {
  console.error(`scikit-learn ${probe.stdout.trim()}: brute-force kNN predict on the test rows…`);
  const run = spawnSync(
    PYTHON,
    ['-c', SKLEARN, join(dir, `${NAME}.train.csv`), join(dir, `${NAME}.test.csv`), index[NAME].label],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`scikit-learn's kNN run failed (exit ${run.status})`);
  sklearn = { version: probe.stdout.trim(), ...JSON.parse(run.stdout.trim().split('\n').at(-1)) };
}

const figures = [];
// figure() rounds to three decimals; the table shows accuracies to four, as the references are.
const add = (f) => figures.push({ ...figure({ bench, ...f }), shown: f.unit === '' ? f.value.toFixed(4) : undefined });
const forestRef = reference[NAME].forest;
add({
  metric: 'train.forest fit, 100 trees, every thread ÷ scikit-learn one thread (recorded)',
  value: ours.forest.fitSeconds,
  unit: 's',
  baseline: `scikit-learn ${fmt(forestRef.fitSeconds)} s`,
  ratio: ours.forest.fitSeconds / forestRef.fitSeconds,
  target: '≤ 1',
});
if (single) {
  add({
    metric: 'train.forest fit, one thread ÷ every thread (parallel-trees lever)',
    value: single.fitSeconds,
    unit: 's',
    baseline: `every thread ${fmt(ours.forest.fitSeconds)} s`,
    ratio: single.fitSeconds / ours.forest.fitSeconds,
  });
}
/** Test accuracy against the reference: the figure must reach reference − tolerance. */
function accuracyFigure(model, result, label) {
  const ref = referenceFigure(NAME, model);
  add({
    metric: `${label} test accuracy`,
    value: result.ours,
    unit: '',
    baseline: `scikit-learn ${fmt(ref.value, 4)} (tolerance ${fmt(ref.tolerance, 3)})`,
    target: `≥ ${fmt(ref.value - ref.tolerance, 4)}`,
    met: passes(ref, result.ours),
  });
}
accuracyFigure('forest', ours.forest, 'train.forest');
if (single) accuracyFigure('forest', single, 'train.forest one thread');
add({
  metric: `train.knn scoring ${fmt(index[NAME].test_rows)} test rows${sklearn ? ' ÷ scikit-learn brute force' : ''}`,
  value: ours.knn.scoreSeconds,
  unit: 's',
  ...(sklearn
    ? {
        baseline: `scikit-learn ${fmt(sklearn.seconds)} s`,
        ratio: ours.knn.scoreSeconds / sklearn.seconds,
        target: '≤ 1',
      }
    : {}),
});
accuracyFigure('knn', ours.knn, 'train.knn');
if (sklearn)
  add({ metric: 'scikit-learn brute-force kNN test accuracy (this run)', value: sklearn.accuracy, unit: '' });

const loadAfter = machineLine();
const table = [
  '| figure | value | baseline | ratio | target |',
  '| --- | ---: | --- | ---: | --- |',
  ...figures.map(
    (f) =>
      `| ${f.metric} | ${f.shown ?? fmt(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.baseline ?? ''} | ${f.ratio === undefined ? '' : `${fmt(f.ratio)}×`} | ${f.target ? `${f.target} ${f.met ? '(met)' : '(not met)'}` : ''} |`,
  ),
];
console.log(`\n${table.join('\n')}\n`);
if (sklearnMissing) console.log(sklearnMissing);
if (!args.includes('--no-write')) {
  writePerformanceSection(
    bench,
    `## Trees and neighbours (\`bench trees\`)

Measured with \`npm run bench -- trees${args.length ? ` ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine at the start: ${loadBefore}; at the end: ${loadAfter}.

flights_100k from the parity references (80,000 train / 20,000 test rows, label \`late\`; 5 numbers, 2 text
columns), through the parity pipeline (source → median / mode → train.MODEL → evaluate.score →
evaluate.classification, the runtime in one process). train.forest grows 100 histogram CART trees (seed 0) on
every thread the worker has, and again with \`PIPEWRIGHT_THREADS=1\`: its fit time is the node's (encoding and
binning included) against scikit-learn 1.2.1's single-thread \`RandomForestClassifier\` fit recorded in
reference.json. train.knn (k 5) is timed as its evaluate.score node on the test rows (reading them and writing the
scores included) against ${
      sklearn
        ? `scikit-learn ${sklearn.version}'s \`KNeighborsClassifier(algorithm='brute').predict\` on the same rows after the reference's preprocessing, run in this bench (${PYTHON}, OpenBLAS on every core)`
        : `scikit-learn's brute force, which was not run: ${sklearnMissing}`
    }. Accuracies are held to the parity tolerance (0.02).

${table.join('\n')}`,
  );
}
