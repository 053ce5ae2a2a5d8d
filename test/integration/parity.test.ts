// A lean slice of the parity suite (the full table is `npm run bench -- parity`):
// the same pipelines, on the built packages, for a few small datasets and the
// classic trainers, each held to scikit-learn's figure on the same split.
import { describe, expect, it } from 'vitest';
import { parityPipeline, passes, referenceFigure, runParity } from '../parity/parity-pipeline.mjs';

const cases: [string, string[]][] = [
  ['iris', ['tree', 'forest', 'boosting', 'knn', 'naivebayes', 'kmeans']],
  ['penguins', ['tree', 'forest', 'boosting', 'knn', 'naivebayes']],
  ['diabetes', ['tree', 'forest', 'boosting', 'knn']],
];

describe('parity with scikit-learn (lean)', () => {
  it('builds one valid pipeline per dataset: sources, imputation, trainer, score and evaluate per model', () => {
    const file = parityPipeline('penguins', ['tree', 'kmeans']);
    expect(file.nodes.map((n) => n.type)).toEqual([
      'source.csv',
      'source.csv',
      'clean.missing',
      'clean.missing',
      'train.tree',
      'evaluate.score',
      'evaluate.classification',
      'train.kmeans',
      'evaluate.score',
    ]);
  });

  it.each(cases)('%s: every model within tolerance of scikit-learn, or better', async (name, models) => {
    const results = await runParity(name, models);
    for (const model of models) {
      const figure = referenceFigure(name, model);
      const result = results[model];
      expect(result.error, `${name}/${model}`).toBeUndefined();
      expect(
        passes(figure, result.ours),
        `${name}/${model}: ${result.ours} vs ${figure.value} (${figure.metric})`,
      ).toBe(true);
    }
  });
});
