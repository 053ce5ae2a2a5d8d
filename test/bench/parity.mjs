// `npm run bench -- parity [--scale] [--datasets=a,b] [--models=x,y] [--no-write] [--strict]`
//
// For every dataset of REFERENCE.md (flights_100k only with --scale) and
// every model scikit-learn was run with there, runs a Pipewright pipeline
// (test/parity/parity-pipeline.mjs) that trains on NAME.train.csv and
// scores NAME.test.csv, and prints ours against the reference: test
// accuracy (within 0.02 or one test row), R² (within 0.03) or the kmeans
// adjusted Rand index (within 0.05) — or better. A model whose trainer is
// not in the catalog is listed as "not built". Writes the table to
// docs/parity.md unless --no-write; --strict exits 1 when a built model fails.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  REPO_ROOT,
  isBuilt,
  parityDatasets,
  passes,
  reference,
  referenceFigure,
  runParity,
  splitsDirOf,
} from '../parity/parity-pipeline.mjs';
import { loadTensorFlow } from '../../server/dist/runtime/tensorflow-backend.js';
import { figure as reportFigure } from './figures.mjs';

const args = process.argv.slice(2);
const option = (name) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')[1]
    ?.split(',');
const scale = args.includes('--scale');
const onlyDatasets = option('datasets');
const onlyModels = option('models');

const datasets = (onlyDatasets ?? parityDatasets({ scale })).filter((name) => {
  if (reference[name]) return true;
  console.error(`no reference figures for "${name}"; there are: ${Object.keys(reference).join(', ')}`);
  process.exit(2);
});

const { backend } = await loadTensorFlow({ log: () => undefined });
const started = Date.now();
const rows = [];
for (const name of datasets) {
  const models = Object.keys(reference[name]).filter((m) => !onlyModels || onlyModels.includes(m));
  const built = models.filter(isBuilt);
  const t0 = Date.now();
  const results = splitsDirOf(name)
    ? await runParity(name, built, { log: (line) => console.error(`  ${line}`) })
    : Object.fromEntries(
        built.map((m) => [m, { error: 'split files not found (the scale split is not in the repository)' }]),
      );
  for (const model of models) {
    const figure = referenceFigure(name, model);
    const result = results[model];
    let status;
    if (!isBuilt(model)) status = 'not built';
    else if (result.error) status = 'error';
    else status = passes(figure, result.ours) ? 'pass' : 'FAIL';
    rows.push({
      dataset: name,
      model,
      metric: figure.metric,
      reference: figure.value,
      tolerance: figure.tolerance,
      ours: result?.ours,
      status,
      error: result?.error,
      fitSeconds: result?.fitSeconds,
      referenceFitSeconds: reference[name][model].fitSeconds,
      metrics: result?.metrics,
    });
  }
  console.error(`${name}: ${models.length} models in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const fmt = (v, digits = 4) => (typeof v === 'number' ? v.toFixed(digits) : '—');
const signed = (v) => {
  if (typeof v !== 'number') return '—';
  const rounded = Math.abs(v) < 5e-5 ? 0 : v;
  return `${rounded >= 0 ? '+' : ''}${rounded.toFixed(4)}`;
};

/** Dataset × model: ours / reference and the verdict, one cell per model. */
function matrix() {
  const models = [...new Set(rows.map((r) => r.model))];
  const lines = [`| dataset | metric | ${models.join(' | ')} |`, `|---|---|${models.map(() => '---').join('|')}|`];
  for (const name of datasets) {
    const mine = rows.filter((r) => r.dataset === name);
    const metrics = [...new Set(mine.filter((r) => r.model !== 'kmeans').map((r) => r.metric))];
    const cells = models.map((model) => {
      const r = mine.find((x) => x.model === model);
      if (!r) return '';
      if (r.status === 'not built') return `not built (ref ${fmt(r.reference)})`;
      if (r.status === 'error') return `error (ref ${fmt(r.reference)})`;
      return `${fmt(r.ours)} / ${fmt(r.reference)} ${r.status === 'pass' ? '✓' : '✗'}`;
    });
    lines.push(
      `| ${name} | ${metrics.join(', ')}${mine.some((r) => r.model === 'kmeans') ? ' (kmeans: ARI)' : ''} | ${cells.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

/** One line per dataset and model, with the other metrics and fit times. */
function details() {
  const lines = [
    '| dataset | model | metric | reference | ours | Δ | tolerance | result | other metrics (ours) | fit s (ours / scikit-learn) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const m = r.metrics ?? {};
    const other =
      r.model === 'kmeans'
        ? `ARI train ${fmt(m.ariTrain)}`
        : r.metric === 'accuracy'
          ? `F1 ${fmt(m.f1)}, AUC ${fmt(m.auc)}, log loss ${fmt(m.logLoss)}`
          : r.metric === 'r2'
            ? `RMSE ${fmt(m.rmse, 2)}, MAE ${fmt(m.mae, 2)}`
            : '';
    const result = r.status === 'error' ? `error: ${r.error}` : r.status;
    lines.push(
      `| ${r.dataset} | ${r.model} | ${r.metric} | ${fmt(r.reference)} | ${fmt(r.ours)} | ${signed(
        typeof r.ours === 'number' ? r.ours - r.reference : undefined,
      )} | ${fmt(r.tolerance, 3)} | ${result} | ${other} | ${fmt(r.fitSeconds, 2)} / ${fmt(r.referenceFitSeconds, 3)} |`,
    );
  }
  return lines.join('\n');
}

const counted = (status) => rows.filter((r) => r.status === status).length;
const summary = `${counted('pass')} pass, ${counted('FAIL')} fail, ${counted('error')} error, ${counted('not built')} not built (of ${rows.length})`;
const cpu = cpus();
const machine = `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}, TensorFlow.js backend ${backend}`;
const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

console.log(`\nParity with scikit-learn (ours / reference; ✓ within tolerance or better)\n`);
console.log(matrix());
console.log(`\n${details()}`);
console.log(`\n${summary} — ${((Date.now() - started) / 1000).toFixed(0)} s on ${machine}`);

const benchName = 'parity';
reportFigure({
  bench: benchName,
  metric: 'models within tolerance of scikit-learn',
  value: counted('pass'),
  unit: `of ${rows.length}`,
});
reportFigure({
  bench: benchName,
  metric: 'models short of scikit-learn',
  value: counted('FAIL'),
  unit: `of ${rows.length}`,
  target: '≤ 0',
});
reportFigure({
  bench: benchName,
  metric: 'models that failed to run',
  value: counted('error'),
  unit: `of ${rows.length}`,
  target: '≤ 0',
});

if (!args.includes('--no-write')) {
  const partial = onlyDatasets || onlyModels ? ' (a partial run: only the datasets or models asked for)' : '';
  const doc = `# Parity with scikit-learn

Generated by \`npm run bench -- parity${scale ? ' --scale' : ''}\`${partial} on ${date}.
Machine: ${machine}.

Each cell is a Pipewright pipeline that trains on \`test/fixtures/data/splits/NAME.train.csv\` and scores
\`NAME.test.csv\` — the very rows scikit-learn used (\`../shared/datasets/REFERENCE.md\`, figures in
\`test/fixtures/data/splits/reference.json\`) — built from catalog nodes: \`source.csv\` (train and test),
\`clean.missing\` (median for numbers, then most frequent value for the rest: fitted on train, applied to test
through the model's transforms), the trainer with its defaults (logistic, linear, mlp, knn and kmeans standardise
numeric features themselves; text features are one-hot encoded by every trainer, unknown categories as zeros),
\`evaluate.score\` on the test rows, then \`evaluate.classification\` or \`evaluate.regression\`. kmeans uses
k = number of classes, nInit 10, seed 0, and is compared by the adjusted Rand index of the test rows' clusters
against their labels.

Pass: test accuracy within 0.02 or one test row (whichever is larger), R² within 0.03, kmeans ARI within 0.05 —
or better. ames \`linear\` is held to scikit-learn's minimum-norm least-squares figure (0.8785), as REFERENCE.md
says. Fit times are the trainer node's wall time here (encoding and bundle included) against scikit-learn's
\`fit\`; they are for comparison, not a target, and this machine is shared.

**${summary}.**

## Ours / reference

${matrix()}

## Details

${details()}

## Notes

- tree, forest, knn, naivebayes and kmeans are written here (\`nodes/train/<algo>/\`), not taken from npm: the
  mljs packages (ml-cart, ml-random-forest, ml-knn, ml-naivebayes, ml-kmeans) give no class probabilities for
  kNN and forests (majority votes), no kNN regression, and no k-means n_init; ROC AUC and log loss need
  probabilities. They follow scikit-learn's algorithms (CART with Gini / squared error and midpoint thresholds,
  bootstrap forests with √features per split for classes and all features for numbers, uniform-weight kNN,
  GaussianNB with var_smoothing 1e-9, greedy k-means++ and Lloyd). Trees break ties between equally good splits
  by their own seeded feature order, so single trees can differ from scikit-learn's by a few test rows.
- knn does its work when scoring, not fitting: its fit time is only storing the rows. Scoring is brute force
  (every test row against every training row); flights_100k's 20,000 × 80,000 rows take about a minute in
  \`evaluate.score\` here. Forests are the slowest fits (flights_100k: 100 trees on 80,000 rows × 460 encoded
  features take one to two minutes here against scikit-learn's 35 s).
- kmeans on penguins: several k-means optima lie within 0.1% of each other in inertia (here 520.88, 520.98 and
  521.30 on the standardised training rows) and group the species differently. scikit-learn's 10 starts found the
  520.98 one (ARI train 0.6344); ours with seed 0 finds 521.30 (other seeds find each of the three). The
  reference's own optimum is not the lowest either, so this row measures the luck of the starts rather than the
  algorithm.
`;
  const path = join(REPO_ROOT, 'docs/parity.md');
  writeFileSync(path, doc);
  // The repository's lint checks formatting: lay the tables out as prettier does.
  spawnSync(join(REPO_ROOT, 'node_modules/.bin/prettier'), ['--write', path], { stdio: 'ignore' });
  console.log('wrote docs/parity.md');
}

if (args.includes('--strict') && counted('FAIL') + counted('error') > 0) process.exit(1);
