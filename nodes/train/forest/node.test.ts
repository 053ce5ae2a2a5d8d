import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { loadSplit, runNodeForTest, testMetrics } from '@pipewright/server/testing';

describe('train.forest', () => {
  it('classifies breast cancer within 0.02 of scikit-learn (accuracy 0.9649, AUC 0.9936)', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const run = await runNodeForTest('train.forest', { label: 'diagnosis' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model.training).toMatchObject({ trees: 100, maxFeatures: 5 });
    // Progress moves tree by tree.
    expect(run.progress.some((p) => /^tree \d+ of 100$/.test(String(p.detail.detail)))).toBe(true);
    const m = await testMetrics(model, test);
    expect(m.accuracy).toBeGreaterThanOrEqual(0.9649 - 0.02);
    expect(m.auc).toBeGreaterThan(0.98);
  });

  it('regresses cars within 0.03 R² of scikit-learn (0.9261), better than one tree', async () => {
    const { train, test } = await loadSplit('cars');
    const forest = (await runNodeForTest('train.forest', { label: 'Miles_per_Gallon' }, { in: train })).outputs
      .model as ModelBundle;
    const tree = (await runNodeForTest('train.tree', { label: 'Miles_per_Gallon' }, { in: train })).outputs
      .model as ModelBundle;
    const forestR2 = (await testMetrics(forest, test)).r2 as number;
    expect(forestR2).toBeGreaterThanOrEqual(0.9261 - 0.03);
    expect(forestR2).toBeGreaterThan((await testMetrics(tree, test)).r2 as number);
  });

  it('cross-validates with k folds', async () => {
    const { train } = await loadSplit('wine');
    const run = await runNodeForTest('train.forest', { label: 'cultivar', trees: 20, folds: 3 }, { in: train });
    const cv = (run.outputs.model as ModelBundle).training.cv as Record<string, { mean: number; values: number[] }>;
    expect(cv.accuracy.values).toHaveLength(3);
    expect(cv.accuracy.mean).toBeGreaterThan(0.85);
  });

  it('is the same forest for the same seed, and another for another seed', async () => {
    const { train } = await loadSplit('iris');
    const fit = async (seed: number) =>
      (
        (await runNodeForTest('train.forest', { label: 'species', trees: 5, seed }, { in: train })).outputs
          .model as ModelBundle
      ).state;
    const first = await fit(1);
    expect(await fit(1)).toEqual(first);
    expect(await fit(2)).not.toEqual(first);
  });

  it('grown as jobs, tree ranges on other workers joined in order, is the same forest as grown in one job', async () => {
    const { train } = await loadSplit('breast_cancer');
    const params = { label: 'diagnosis', trees: 9, seed: 3 };
    const one = await runNodeForTest('train.forest', { ...params, fanOut: 'never' }, { in: train });
    const fanned = await runNodeForTest(
      'train.forest',
      { ...params, fanOut: 'always' },
      { in: train },
      { partsInProcess: { workers: 2 } },
    );
    expect(fanned.logs.map((l) => l.message)).toContain('grew 9 trees as 4 jobs over 2 live workers');
    // Progress counts the trees of the jobs done so far.
    expect(fanned.progress.map((p) => p.detail.detail)).toContain('tree 9 of 9 (4 of 4 jobs done)');
    expect((fanned.outputs.model as ModelBundle).state).toEqual((one.outputs.model as ModelBundle).state);
  });

  it('stays in one job with auto below the fan-out threshold', async () => {
    const { train } = await loadSplit('iris');
    const small = await runNodeForTest(
      'train.forest',
      { label: 'species', trees: 5 },
      { in: train },
      {
        partsInProcess: { workers: 2 },
      },
    );
    expect(small.logs.some((l) => l.message.startsWith('grew'))).toBe(false);
  });
});
