import { describe, expect, it } from 'vitest';
import { validatePipeline, type ModelBundle, type TuningReport } from '../../core/index.js';
import { registry } from '../../catalog.js';
import { loadSplit, NodeRunError, runNodeForTest, testMetrics } from '@pipewright/server/testing';
import { trainers } from '../trainers.js';
import { trainTune } from './node.js';
import { expandTrials, planProblems, type SearchPlan } from './search-space.js';

const forest = trainers.find((trainer) => trainer.algorithm === 'forest')!;
const mlp = trainers.find((trainer) => trainer.algorithm === 'mlp')!;
const plan = (overrides: Partial<SearchPlan>): SearchPlan => ({
  search: 'grid',
  space: {},
  fixed: {},
  trials: 10,
  seed: 0,
  ...overrides,
});

describe('search space', () => {
  it('lays a grid out as every combination, params in name order, the last changing fastest', () => {
    const trials = expandTrials(forest, plan({ space: { trees: [10, 20], maxDepth: [2, 4, 0] } }));
    expect(trials.map((t) => t.params)).toEqual([
      { maxDepth: 2, trees: 10 },
      { maxDepth: 2, trees: 20 },
      { maxDepth: 4, trees: 10 },
      { maxDepth: 4, trees: 20 },
      { maxDepth: 0, trees: 10 },
      { maxDepth: 0, trees: 20 },
    ]);
    expect(trials.map((t) => t.trial)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('draws random trials inside their ranges, whole numbers for whole-number params, the same for a seed', () => {
    const space = {
      learningRate: { min: 0.0001, max: 0.1, scale: 'log' as const },
      patience: { min: 2, max: 30, scale: 'linear' as const },
      activation: ['relu', 'tanh'],
    };
    const trials = expandTrials(mlp, plan({ search: 'random', space, trials: 12, seed: 5 }));
    expect(trials).toHaveLength(12);
    for (const { params } of trials) {
      expect(params.learningRate).toBeGreaterThanOrEqual(0.0001);
      expect(params.learningRate).toBeLessThanOrEqual(0.1);
      expect(Number.isInteger(params.patience)).toBe(true);
      expect(['relu', 'tanh']).toContain(params.activation);
    }
    // Log-uniform: about as many draws below 0.003 as above.
    expect(trials.some((t) => (t.params.learningRate as number) < 0.003)).toBe(true);
    expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(12);
    expect(expandTrials(mlp, plan({ search: 'random', space, trials: 12, seed: 5 }))).toEqual(trials);
    expect(expandTrials(mlp, plan({ search: 'random', space, trials: 12, seed: 6 }))).not.toEqual(trials);
  });

  it('draws no more random trials than the lists have combinations', () => {
    const trials = expandTrials(forest, plan({ search: 'random', space: { maxDepth: [2, 4] }, trials: 10 }));
    expect(trials.map((t) => t.params.maxDepth).sort()).toEqual([2, 4]);
  });

  it('names the param of the trainer that is wrong, and why', () => {
    expect(planProblems(forest, plan({ space: { maxDepht: [2] } }))).toEqual([
      {
        path: ['space', 'maxDepht'],
        message: expect.stringMatching(/^train.forest has no param "maxDepht" \(its params: .*maxDepth/),
      },
    ]);
    expect(planProblems(forest, plan({ space: { maxDepth: [4, 500] } }))).toEqual([
      {
        path: ['space', 'maxDepth'],
        message: expect.stringMatching(/^500 is out of train.forest’s range for maxDepth: .*200/),
      },
    ]);
    expect(planProblems(forest, plan({ space: { trees: { min: 10, max: 50, scale: 'linear' } } }))[0]).toMatchObject({
      path: ['space', 'trees'],
      message: expect.stringContaining('a grid tries listed values'),
    });
    const random = (space: SearchPlan['space'], fixed = {}) =>
      planProblems(forest, plan({ search: 'random', space, fixed }));
    expect(random({ trees: { min: 10, max: 5000, scale: 'linear' } })[0].message).toMatch(
      /^5000 is out of .* for trees/,
    );
    expect(random({ trees: { min: 50, max: 10, scale: 'linear' } })[0].message).toMatch(/min 50 above max 10/);
    expect(random({ maxFeatures: { min: 1, max: 3, scale: 'linear' } })[0].message).toMatch(
      /maxFeatures of train.forest is not a number/,
    );
    expect(random({ trees: [10] }, { trees: 20 })[0]).toMatchObject({ path: ['space', 'trees'] });
    expect(random({ trees: [10] }, { maxDepth: -1 })[0]).toMatchObject({ path: ['params', 'maxDepth'] });
    expect(random({ folds: [3] })[0].message).toBe('folds: cross-validation is train.tune’s own folds');
    expect(random({})[0]).toMatchObject({ path: ['space'] });
    expect(
      planProblems(
        forest,
        plan({
          space: {
            trees: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
            maxDepth: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            minSamplesLeaf: [1, 2, 3, 4, 5, 6],
          },
        }),
      )[0].message,
    ).toMatch(/600 combinations, more than 500/);
    expect(planProblems(forest, plan({ space: { trees: [10, 20], maxFeatures: ['sqrt', 'all'] } }))).toEqual([]);
  });

  it('refuses a pipeline whose search names a wrong trainer param, naming the node, the param and the value', () => {
    const file = {
      format: 'pipewright/v1',
      name: 'tune',
      nodes: [
        { id: 'src', type: 'source.csv', params: { path: 'x.csv' }, position: { x: 0, y: 0 } },
        {
          id: 'tune',
          type: 'train.tune',
          params: { trainer: 'train.forest', label: 'y', space: { maxDepth: [4, 500] } },
          position: { x: 0, y: 0 },
        },
      ],
      edges: [{ from: 'src.out', to: 'tune.in' }],
    };
    expect(validatePipeline(file, { registry }).issues).toEqual([
      {
        code: 'bad-param',
        nodeId: 'tune',
        param: 'space',
        message: expect.stringMatching(/^500 is out of train.forest’s range for maxDepth: .* \(at space.maxDepth\)$/),
      },
    ]);
  });

  it('rejects a bad plan when the pipeline is checked, naming the tuning param', () => {
    const parsed = trainTune.params.safeParse({ trainer: 'train.knn', label: 'y', space: { k: [0, 5] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['space', 'k'],
      message: expect.stringMatching(/^0 is out of train.knn’s range for k/),
    });
    const metric = trainTune.params.safeParse({
      trainer: 'train.logistic',
      label: 'y',
      space: { l2: [0, 1] },
      metric: 'rmse',
    });
    expect(metric.error?.issues[0]).toMatchObject({
      path: ['metric'],
      message: expect.stringContaining('accuracy, f1, logLoss'),
    });
    expect(trainTune.params.safeParse({ trainer: 'train.kmeans', label: 'y', space: { k: [2] } }).success).toBe(false);
  });
});

describe('train.tune', () => {
  const tune = {
    trainer: 'train.tree',
    label: 'diagnosis',
    space: { maxDepth: [1, 3, 0], minSamplesLeaf: [1, 20] },
    folds: 3,
    seed: 4,
  };

  it('cross-validates each trial on the same folds, keeps the best, and fits it on every row', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const run = await runNodeForTest('train.tune', tune, { in: train });
    const model = run.outputs.model as ModelBundle;
    const tuning = model.training.tuning as TuningReport;
    expect(tuning).toMatchObject({ trainer: 'train.tree', metric: 'accuracy', goal: 'max', folds: 3, planned: 6 });
    expect(tuning.trials).toHaveLength(6);
    const scores = tuning.trials.map((t) => t.score.mean);
    const best = tuning.trials.find((t) => t.trial === tuning.best)!;
    expect(best.score.mean).toBe(Math.max(...scores));
    expect(best.score.values).toHaveLength(3);
    // A single split is worse than a deeper tree on breast cancer.
    expect(best.params.maxDepth).not.toBe(1);
    // The model is the trainer's own, fitted with the best params on all the rows, carrying the best trial's CV.
    expect(model.algorithm).toBe('tree');
    expect(model.training.rows).toBe(train.rows);
    expect(model.training.cv).toEqual(best.cv);
    expect((await testMetrics(model, test)).accuracy).toBeGreaterThan(0.88);

    const table = await run.readTable(run.outputs.trials);
    expect(table).toHaveLength(6);
    expect(table.filter((row) => row.best)).toEqual([
      expect.objectContaining({ trial: best.trial, maxDepth: best.params.maxDepth, accuracy_mean: best.score.mean }),
    ]);
    // Progress carried the trials table as it grew.
    const reported = run.progress.flatMap((p) => (p.detail.tuning ? [p.detail.tuning.trials.length] : []));
    expect(reported.at(-1)).toBe(6);
    // Each event resends the table, so it leaves out the trials' other metrics, which the finished report keeps.
    expect(run.progress.at(-1)?.detail.tuning?.trials[0]).not.toHaveProperty('cv');
    expect(tuning.trials[0].cv).toHaveProperty('f1');
    expect(run.logs.map((l) => l.message)).toContain(
      `best: trial ${best.trial} (maxDepth ${best.params.maxDepth}, minSamplesLeaf ${best.params.minSamplesLeaf}), accuracy ${best.score.mean.toFixed(4)} ± ${best.score.std.toFixed(4)}`,
    );
  });

  it('gives the same trials run as jobs as in one, and the same model', async () => {
    const { train } = await loadSplit('breast_cancer');
    const one = await runNodeForTest('train.tune', tune, { in: train });
    const jobs = await runNodeForTest('train.tune', tune, { in: train }, { partsInProcess: { workers: 2 } });
    const trials = (run: typeof one) =>
      ((run.outputs.model as ModelBundle).training.tuning as TuningReport).trials.map((t) => [t.params, t.score]);
    expect(trials(jobs)).toEqual(trials(one));
    expect((jobs.outputs.model as ModelBundle).state).toEqual((one.outputs.model as ModelBundle).state);
  });

  it('tunes a regressor by RMSE, lower being better', async () => {
    const { train } = await loadSplit('cars');
    const run = await runNodeForTest(
      'train.tune',
      { trainer: 'train.knn', label: 'Miles_per_Gallon', space: { k: [1, 5, 15] }, metric: 'rmse', folds: 3 },
      { in: train },
    );
    const tuning = (run.outputs.model as ModelBundle).training.tuning as TuningReport;
    expect(tuning.goal).toBe('min');
    const best = tuning.trials.find((t) => t.trial === tuning.best)!;
    expect(best.score.mean).toBe(Math.min(...tuning.trials.map((t) => t.score.mean)));
  });

  it('draws random trials from a range, whole numbers for k, the same for the same seed', async () => {
    const { train } = await loadSplit('breast_cancer');
    const random = {
      trainer: 'train.knn',
      label: 'diagnosis',
      search: 'random',
      space: { k: { min: 1, max: 40 } },
      trials: 5,
      folds: 3,
      seed: 11,
      metric: 'f1',
    };
    const tried = async (seed: number) => {
      const run = await runNodeForTest('train.tune', { ...random, seed }, { in: train });
      return ((run.outputs.model as ModelBundle).training.tuning as TuningReport).trials.map((t) => t.params.k);
    };
    const ks = await tried(11);
    expect(ks).toHaveLength(5);
    expect(ks.every((k) => Number.isInteger(k) && (k as number) >= 1 && (k as number) <= 40)).toBe(true);
    expect(await tried(11)).toEqual(ks);
  });

  it('fails with the failing trial’s number, params and reason', async () => {
    const { train } = await loadSplit('breast_cancer');
    const error = await runNodeForTest(
      'train.tune',
      { trainer: 'train.knn', label: 'diagnosis', space: { k: [5, 1000] }, folds: 3 },
      { in: train },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect((error as NodeRunError).failure).toMatchObject({
      param: 'space',
      message: expect.stringMatching(/^trial 2 \(k 1000\) failed: k \(1000\) is more than the \d+ training rows/),
    });
  });

  it('refuses a metric that does not fit the label, naming the param', async () => {
    const { train } = await loadSplit('breast_cancer');
    const error = await runNodeForTest(
      'train.tune',
      { trainer: 'train.tree', label: 'diagnosis', space: { maxDepth: [2] }, metric: 'r2' },
      { in: train },
    ).catch((e: unknown) => e);
    expect((error as NodeRunError).failure).toMatchObject({
      param: 'metric',
      message: 'metric r2 does not fit this label, which is classification: use accuracy, f1, logLoss',
    });
  });
});
