import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportanceMetricsReport, MetricsValue, ModelBundle, TableRef } from '../../core/index.js';
import { loadSplit, NodeRunError, runNodeForTest } from '@pipewright/server/testing';

let carsTrain: TableRef;
let carsTest: TableRef;

beforeAll(async () => {
  ({ train: carsTrain, test: carsTest } = await loadSplit('cars'));
});

async function importance(model: ModelBundle, table: TableRef, params = {}): Promise<ImportanceMetricsReport> {
  const run = await runNodeForTest('evaluate.importance', params, { model, in: table });
  return (run.outputs.metrics as MetricsValue).metrics as unknown as ImportanceMetricsReport;
}

describe('evaluate.importance', () => {
  it('ranks the features of a regressor by the R² lost when each is shuffled, one value per feature', async () => {
    const model = (await runNodeForTest('train.linear', { label: 'Miles_per_Gallon' }, { in: carsTrain })).outputs
      .model as ModelBundle;
    const report = await importance(model, carsTest);
    expect(report).toMatchObject({ rows: 80, metric: 'r2', repeats: 5 });
    expect(report.baseline).toBeCloseTo(0.8481, 3);
    expect(report.importances.map((i) => i.feature).sort()).toEqual(
      ['Acceleration', 'Cylinders', 'Displacement', 'Horsepower', 'Origin', 'Weight_in_lbs', 'Year'].sort(),
    );
    const values = report.importances.map((i) => i.importance);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // Weight and model year drive fuel economy; acceleration barely matters to the linear fit.
    expect(
      report.importances
        .slice(0, 2)
        .map((i) => i.feature)
        .sort(),
    ).toEqual(['Weight_in_lbs', 'Year']);
    expect(report.importances[0].importance).toBeGreaterThan(0.2);
    expect(await importance(model, carsTest)).toEqual(report);
  });

  it('measures a classifier by accuracy, on a table scored or not', async () => {
    const { train, test } = await loadSplit('iris');
    const model = (await runNodeForTest('train.logistic', { label: 'species' }, { in: train })).outputs
      .model as ModelBundle;
    const scored = (await runNodeForTest('evaluate.score', {}, { model, in: test })).outputs.out as TableRef;
    const report = await importance(model, scored, { repeats: 3 });
    expect(report).toMatchObject({ rows: 30, metric: 'accuracy', repeats: 3 });
    expect(report.baseline).toBeGreaterThan(0.9);
    expect(report.importances).toHaveLength(4);
    expect(report.importances[0].feature).toMatch(/^petal/);
  });

  it('names a label column the table lacks', async () => {
    const model = (await runNodeForTest('train.linear', { label: 'Miles_per_Gallon' }, { in: carsTrain })).outputs
      .model as ModelBundle;
    const error = await runNodeForTest('evaluate.importance', { label: 'mpg' }, { model, in: carsTest }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.failure).toMatchObject({ param: 'label', column: 'mpg' });
  });
});
