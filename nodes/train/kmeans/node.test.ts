import { describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { adjustedRandIndex } from './kmeans-model.js';
import { loadSplit, runNodeForTest } from '@pipewright/server/testing';

describe('adjustedRandIndex', () => {
  it('is 1 for the same grouping under other names and matches a case worked by hand', () => {
    expect(adjustedRandIndex(['a', 'a', 'b', 'b'], [1, 1, 0, 0])).toBe(1);
    // scikit-learn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) = 0.5714285714.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 10);
  });
});

describe('train.kmeans', () => {
  it('clusters wine as scikit-learn does: ARI of the test rows 0.9088 against the cultivars', async () => {
    const { train, test } = await loadSplit('wine');
    const run = await runNodeForTest('train.kmeans', { k: 3, label: 'cultivar' }, { in: train });
    const model = run.outputs.model as ModelBundle;
    expect(model).toMatchObject({ algorithm: 'kmeans', task: 'clustering' });
    // The label is only compared with, never clustered on.
    expect(model.encoding.features.map((f) => f.column)).not.toContain('cultivar');
    expect(model.training.ari as number).toBeCloseTo(0.8937, 2);
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const rows = await scored.readTable(scored.outputs.out);
    expect(new Set(rows.map((r) => r.prediction))).toEqual(new Set([0, 1, 2]));
    const ari = adjustedRandIndex(
      rows.map((r) => r.cultivar),
      rows.map((r) => r.prediction),
    );
    expect(ari).toBeGreaterThanOrEqual(0.9088 - 0.05);
  });

  it('refuses more clusters than rows, naming k', async () => {
    const { test } = await loadSplit('iris');
    const failure = await runNodeForTest('train.kmeans', { k: 31 }, { in: test }).catch((e) => e);
    expect(failure.failure).toMatchObject({ param: 'k' });
  });
});
