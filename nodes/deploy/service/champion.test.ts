import { describe, expect, it } from 'vitest';
import { registry, validatePipeline, type PipelineFile } from '../../index.js';
import { compareFigures, describeComparison, evaluationOf, lowerIsBetter } from './champion.js';

/** source → split → train → score → metrics, and a deploy of the trainer's model. */
function pipeline(deploy: Record<string, unknown>, evaluator = 'evaluate.classification'): PipelineFile {
  const at = { x: 0, y: 0 };
  return {
    format: 'pipewright/v1',
    name: 'p',
    params: {},
    nodes: [
      { id: 'source', type: 'source.csv', params: { path: 'data.csv' }, position: at },
      { id: 'split', type: 'split.random', params: {}, position: at },
      { id: 'train', type: 'train.logistic', params: { label: 'y' }, position: at },
      { id: 'other', type: 'train.tree', params: { label: 'y' }, position: at },
      { id: 'score_other', type: 'evaluate.score', params: {}, position: at },
      { id: 'metrics_other', type: evaluator, params: {}, position: at },
      { id: 'score', type: 'evaluate.score', params: {}, position: at },
      { id: 'metrics', type: evaluator, params: {}, position: at },
      { id: 'deploy', type: 'deploy.service', params: { name: 'p', ...deploy }, position: at },
    ],
    edges: [
      { from: 'source.out', to: 'split.in' },
      { from: 'split.train', to: 'train.in' },
      { from: 'split.train', to: 'other.in' },
      { from: 'other.model', to: 'score_other.model' },
      { from: 'split.test', to: 'score_other.in' },
      { from: 'score_other.out', to: 'metrics_other.in' },
      { from: 'train.model', to: 'score.model' },
      { from: 'split.test', to: 'score.in' },
      { from: 'score.out', to: 'metrics.in' },
      { from: 'train.model', to: 'deploy.model' },
    ],
  };
}

function graphOf(file: PipelineFile) {
  const result = validatePipeline(file, { registry });
  if (!result.nodes) throw new Error(JSON.stringify(result.issues));
  return result.nodes.map((node) => ({
    id: node.id,
    type: node.definition.type,
    params: node.params,
    inputs: node.inputs,
  }));
}

describe('champion–challenger', () => {
  it('finds the evaluation of the deployed model (not of another trainer) and its withheld rows', () => {
    const found = evaluationOf(graphOf(pipeline({ policy: 'ifBetter' })), 'deploy');
    expect(found).toEqual({
      model: { nodeId: 'train', port: 'model' },
      scoreNode: 'score',
      rows: { nodeId: 'split', port: 'test' },
      evaluateNode: 'metrics',
      evaluateType: 'evaluate.classification',
      metric: 'accuracy',
    });
    expect(evaluationOf(graphOf(pipeline({}, 'evaluate.regression')), 'deploy', 'rmse')).toMatchObject({
      metric: 'rmse',
    });
  });

  it('refuses ifBetter where nothing evaluates the model, or a metric its evaluator does not give, naming the param', () => {
    const noEvaluation = pipeline({ policy: 'ifBetter' });
    noEvaluation.nodes = noEvaluation.nodes.filter((node) => node.id !== 'metrics');
    noEvaluation.edges = noEvaluation.edges.filter((edge) => edge.to !== 'metrics.in');
    expect(validatePipeline(noEvaluation, { registry }).issues).toEqual([
      expect.objectContaining({
        nodeId: 'deploy',
        param: 'policy',
        message: expect.stringMatching(/^ifBetter: no evaluate.score node scores the model of "train"/),
      }),
    ]);
    expect(validatePipeline(pipeline({ policy: 'ifBetter', metric: 'rmse' }), { registry }).issues).toEqual([
      expect.objectContaining({
        nodeId: 'deploy',
        param: 'metric',
        message:
          'ifBetter: evaluate.classification node "metrics" gives no "rmse" (it gives accuracy, f1, auc, logLoss, precision, recall)',
      }),
    ]);
    // `always` asks for nothing of the graph.
    expect(validatePipeline(noEvaluation, { registry }).ok).toBe(false);
    const always = structuredClone(noEvaluation);
    always.nodes.find((node) => node.id === 'deploy')!.params = { name: 'p' };
    expect(validatePipeline(always, { registry }).ok).toBe(true);
  });

  it('knows which way is better, and wants a real gain of at least minGain', () => {
    expect(lowerIsBetter('logLoss')).toBe(true);
    expect(lowerIsBetter('rmse')).toBe(true);
    expect(lowerIsBetter('auc')).toBe(false);
    const base = { rows: 114, evaluatedBy: 'metrics', champion: { version: 2, value: 0.95 } };
    expect(compareFigures({ ...base, metric: 'accuracy', minGain: 0, challenger: 0.96 }).wins).toBe(true);
    expect(compareFigures({ ...base, metric: 'accuracy', minGain: 0, challenger: 0.95 }).wins).toBe(false);
    expect(compareFigures({ ...base, metric: 'accuracy', minGain: 0.02, challenger: 0.96 }).wins).toBe(false);
    expect(compareFigures({ ...base, metric: 'rmse', minGain: 0, challenger: 0.9 }).wins).toBe(true);
    expect(compareFigures({ ...base, metric: 'rmse', minGain: 0, challenger: 1.2 }).wins).toBe(false);

    expect(describeComparison(compareFigures({ ...base, metric: 'accuracy', minGain: 0, challenger: 0.9825 }))).toBe(
      'accuracy 0.9825 against v2\'s 0.9500 on the 114 rows "metrics" evaluated: better by 0.0325',
    );
    expect(
      describeComparison(compareFigures({ ...base, metric: 'accuracy', minGain: 0.05, challenger: 0.96 })),
    ).toMatch(/better by only 0.0100 \(at least 0.0500 asked\)$/);
    expect(describeComparison(compareFigures({ ...base, metric: 'rmse', minGain: 0, challenger: 1.2 }))).toMatch(
      /worse by 0.2500$/,
    );
    expect(describeComparison(compareFigures({ ...base, metric: 'f1', minGain: 0, challenger: 0.95 }))).toMatch(
      /: no better$/,
    );
  });
});
