import { describe, expect, it } from 'vitest';
import type { MetricsValue, TableRef } from '../../core/index.js';
import { loadSplit, runNodeForTest, tableFromCsvLines } from '@pipewright/server/testing';

async function metricsOf(table: TableRef, params: Record<string, unknown> = {}): Promise<MetricsValue['metrics']> {
  return ((await runNodeForTest('evaluate.classification', params, { in: table })).outputs.metrics as MetricsValue)
    .metrics;
}

describe('evaluate.classification', () => {
  it('computes the metrics of a binary example worked by hand', async () => {
    // truth a a a a b b b b, predicted a a b a b b a b.
    const table = await tableFromCsvLines([
      'truth,prediction,probability_a,probability_b',
      'a,a,0.9,0.1',
      'a,a,0.8,0.2',
      'a,b,0.4,0.6',
      'a,a,0.7,0.3',
      'b,b,0.1,0.9',
      'b,b,0.2,0.8',
      'b,a,0.6,0.4',
      'b,b,0.3,0.7',
    ]);
    const m = await metricsOf(table, { label: 'truth' });
    expect(m.accuracy).toBe(0.75);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(0.75);
    // 15 of the 16 (positive, negative) pairs rank the positive b higher.
    expect(m.auc).toBe(15 / 16);
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 12);
    expect(m.confusionMatrix).toEqual({
      labels: ['a', 'b'],
      matrix: [
        [3, 1],
        [1, 3],
      ],
    });
    const roc = m.rocCurve as { positive: string; points: { fpr: number; tpr: number }[] };
    expect(roc.positive).toBe('b');
    expect(roc.points[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(roc.points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(m.perClass).toMatchObject({ a: { precision: 0.75, recall: 0.75, support: 4 } });
    // Four a and four b: always answering the first of the tied classes is right half the time.
    expect(m.baselineAccuracy).toBe(0.5);
    expect(m.majorityClass).toBe('a');
  });

  it('gives the majority-class baseline and warns about a model that does not beat it', async () => {
    // Seven "stay" and three "leave": always answering "stay" scores 0.7, the model only 0.6.
    const table = await tableFromCsvLines([
      'truth,prediction',
      ...[
        'stay,stay',
        'stay,stay',
        'stay,stay',
        'stay,stay',
        'stay,leave',
        'stay,leave',
        'stay,stay',
        'leave,leave',
        'leave,stay',
        'leave,stay',
      ],
    ]);
    const run = await runNodeForTest('evaluate.classification', { label: 'truth' }, { in: table });
    const m = (run.outputs.metrics as MetricsValue).metrics;
    expect(m.accuracy).toBeCloseTo(0.6, 12);
    expect(m.baselineAccuracy).toBeCloseTo(0.7, 12);
    expect(m.majorityClass).toBe('stay');
    expect(run.logs.some((l) => l.level === 'warn' && l.message.includes('does not beat always answering'))).toBe(true);
  });

  it('macro-averages three classes worked by hand', async () => {
    const table = await tableFromCsvLines(['truth,prediction', 'x,x', 'x,y', 'y,y', 'y,y', 'z,z', 'z,x']);
    const m = await metricsOf(table, { label: 'truth' });
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // precision x 1/2, y 2/3, z 1; recall x 1/2, y 1, z 1/2; f1 x 0.5, y 0.8, z 2/3.
    expect(m.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 12);
    expect(m.recall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 12);
    expect(m.f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 12);
    expect(m.confusionMatrix).toEqual({
      labels: ['x', 'y', 'z'],
      matrix: [
        [1, 1, 0],
        [0, 2, 0],
        [1, 0, 1],
      ],
    });
    expect(m.auc).toBeNull();
    expect(m.rocCurve).toBeUndefined();
  });

  it('gives each class its one-vs-rest ROC curve when there are more than two', async () => {
    const table = await tableFromCsvLines([
      'truth,prediction,probability_x,probability_y,probability_z',
      'x,x,0.7,0.2,0.1',
      'x,y,0.3,0.6,0.1',
      'y,y,0.1,0.8,0.1',
      'y,y,0.2,0.5,0.3',
      'z,z,0.1,0.1,0.8',
      'z,x,0.5,0.1,0.4',
    ]);
    const m = await metricsOf(table, { label: 'truth' });
    const curves = m.rocCurves as { positive: string; points: { fpr: number; tpr: number }[] }[];
    expect(curves.map((c) => c.positive)).toEqual(['x', 'y', 'z']);
    for (const curve of curves) {
      expect(curve.points[0]).toMatchObject({ fpr: 0, tpr: 0 });
      expect(curve.points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    }
    // z against the rest: its two rows score 0.8 and 0.4, the others 0.1, 0.1, 0.1, 0.3 — ranked perfectly.
    expect(curves[2].points).toContainEqual(expect.objectContaining({ fpr: 0, tpr: 1 }));
    expect(m.rocCurve).toBeUndefined();
  });

  it('takes the label from the model that scored the table, and matches scikit-learn on breast cancer', async () => {
    const { train, test } = await loadSplit('breast_cancer');
    const model = (await runNodeForTest('train.logistic', { label: 'diagnosis' }, { in: train })).outputs.model;
    const scored = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const m = await metricsOf(scored.outputs.out as TableRef);
    // scikit-learn: accuracy 0.9649, f1 0.9619, auc 0.9960, log loss 0.0772.
    expect(m.accuracy).toBeCloseTo(0.9649, 3);
    expect(m.f1).toBeCloseTo(0.9619, 3);
    expect(m.auc).toBeCloseTo(0.996, 3);
    expect(m.logLoss).toBeCloseTo(0.0772, 3);
  });

  it('asks for the label when the table does not say, and names a missing column', async () => {
    const table = await tableFromCsvLines(['truth,prediction', 'x,x', 'y,x']);
    const unnamed = await runNodeForTest('evaluate.classification', {}, { in: table }).catch((e) => e);
    expect(unnamed.failure.param).toBe('label');
    const missing = await runNodeForTest('evaluate.classification', { label: 'actual' }, { in: table }).catch((e) => e);
    expect(missing.failure).toMatchObject({ param: 'label', column: 'actual' });
  });
});
