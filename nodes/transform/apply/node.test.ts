import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyStepsToRow,
  type PortValue,
  type Row,
  type SqlValue,
  type TableRef,
  type TransformStep,
  type TransformValue,
} from '../../core/index.js';
import { loadCsvTable, readTable, runNodeForTest } from '@pipewright/server/testing';

let train: TableRef;
let test: TableRef;

beforeAll(async () => {
  const penguins = await loadCsvTable('test/fixtures/data/penguins.csv');
  const split = await runNodeForTest('split.random', { seed: 7 }, { in: penguins }, { useCache: true });
  train = split.outputs.train as TableRef;
  test = split.outputs.test as TableRef;
});

/** Fits the usual chain on `table`: fill, clip, scale, one-hot, bin. */
async function fitChain(table: TableRef): Promise<{ out: TableRef; transforms: PortValue[] }> {
  const transforms: PortValue[] = [];
  let current: PortValue = table;
  const steps: [string, Record<string, unknown>][] = [
    ['clean.missing', { strategy: 'mode' }],
    ['clean.outliers', { columns: ['beak_length_mm'], method: 'zscore', threshold: 1.5, action: 'drop' }],
    ['feature.scale', { columns: ['body_mass_g', 'beak_length_mm'] }],
    ['feature.onehot', { columns: ['island', 'sex'] }],
    ['feature.bin', { column: 'flipper_length_mm', bins: 3, method: 'quantile' }],
  ];
  for (const [type, params] of steps) {
    const run = await runNodeForTest(type, params, { in: current });
    current = run.outputs.out;
    transforms.push(run.outputs.transform);
  }
  return { out: current as TableRef, transforms };
}

async function applyAll(transforms: PortValue[], table: TableRef): Promise<TableRef> {
  let current: PortValue = table;
  for (const transform of transforms) {
    current = (await runNodeForTest('transform.apply', {}, { transform, in: current })).outputs.out;
  }
  return current as TableRef;
}

describe('transform.apply', () => {
  it('applies the steps fitted on train to test, in SQL exactly as row by row, dropping no test row', async () => {
    const { transforms } = await fitChain(train);
    const applied = await applyAll(transforms, test);
    expect(applied.rows).toBe(test.rows);
    expect(applied.transforms.map((t) => t.nodeType)).toEqual([
      'clean.missing',
      'clean.outliers',
      'feature.scale',
      'feature.onehot',
      'feature.bin',
    ]);
    const steps = transforms.flatMap((t) => (t as TransformValue).transform.steps);
    const raw = await readTable(test);
    const rowWise = raw.map((row) => applyStepsToRow(steps, row as Record<string, string | number | boolean | null>));
    expect(await readTable(applied)).toEqual(rowWise);
  });

  it('leaks nothing: changing the test rows changes neither the fitted values nor the transformed train side', async () => {
    const first = await fitChain(train);
    const fittedSteps = first.transforms.map((t) => (t as TransformValue).transform.steps);
    const trainRows = await readTable(first.out);

    // The test side from another world: masses ×10, unseen islands, no missing values.
    const shifted = (
      await runNodeForTest(
        'clean.sql',
        { query: "SELECT * REPLACE (body_mass_g * 10 AS body_mass_g, 'Atlantis' AS island) FROM input" },
        { in: test },
      )
    ).outputs.out as TableRef;
    const onShifted = await applyAll(first.transforms, shifted);
    const onTest = await applyAll(first.transforms, test);
    const shiftedRows = await readTable(onShifted);
    const testRows = await readTable(onTest);
    // Each test row is transformed with train's values: ×10 masses scale with train's mean and std.
    const scale = fittedSteps[2].find((s) => s.op === 'scale' && s.column === 'body_mass_g');
    if (scale?.op !== 'scale') throw new Error('no scale step for body_mass_g');
    const rawTest = await readTable(test);
    rawTest.forEach((row, i) => {
      if (row.body_mass_g === null) return;
      expect(shiftedRows[i].body_mass_g).toBeCloseTo(
        ((row.body_mass_g as number) * 10 - scale.center) / scale.scale,
        9,
      );
      expect([shiftedRows[i].island_Biscoe, shiftedRows[i].island_Dream, shiftedRows[i].island_Torgersen]).toEqual([
        0, 0, 0,
      ]);
    });
    expect(shiftedRows).not.toEqual(testRows);

    // Refitting on the same train rows gives the same values and rows, whatever the test side holds.
    const again = await fitChain(train);
    expect(again.transforms.map((t) => (t as TransformValue).transform.steps)).toEqual(fittedSteps);
    expect(await readTable(again.out)).toEqual(trainRows);
  });

  it('names the column a fitted step needs that the table lacks', async () => {
    const fit = await runNodeForTest('feature.scale', { columns: ['body_mass_g'] }, { in: train });
    const narrow = await runNodeForTest('clean.select', { exclude: ['body_mass_g'] }, { in: test });
    const error = await runNodeForTest(
      'transform.apply',
      {},
      { transform: fit.outputs.transform, in: narrow.outputs.out },
    ).catch((e) => e);
    expect(error.failure.column).toBe('body_mass_g');
    expect(error.message).toContain('(feature.scale) works on column "body_mass_g", which this table lacks');
  });

  it("checks a step's column after one-hot encoding: its added columns are there, the encoded one is not", async () => {
    const onehot = await runNodeForTest('feature.onehot', { columns: ['island'] }, { in: train });
    const dream = await runNodeForTest('feature.scale', { columns: ['island_Dream'] }, { in: onehot.outputs.out });
    const island = await runNodeForTest('clean.missing', { strategy: 'mode' }, { in: train });
    const steps = [onehot, dream, island].flatMap((run) => (run.outputs.transform as TransformValue).transform.steps);
    const chain = (only: TransformStep[]): TransformValue => ({
      kind: 'transform',
      key: `chain-${JSON.stringify(only)}`,
      transform: { id: `chain-${JSON.stringify(only)}`, nodeId: 'chain', nodeType: 'feature.chain', steps: only },
    });
    const encodedThenScaled = steps.slice(0, 2);
    const applied = await runNodeForTest('transform.apply', {}, { transform: chain(encodedThenScaled), in: test });
    const rows = await applied.readTable(applied.outputs.out);
    expect(rows.map((r) => r.island_Dream)).toEqual(
      (await readTable(test)).map((r) => applyStepsToRow(encodedThenScaled, r as Row).island_Dream),
    );
    // clean.missing's fill of "island" comes after the encoding took that column away.
    const imputeIsland = steps.find((s) => s.op === 'impute' && s.column === 'island')!;
    const error = await runNodeForTest(
      'transform.apply',
      {},
      { transform: chain([steps[0], imputeIsland]), in: test },
    ).catch((e) => e);
    expect(error.failure.column).toBe('island');
    expect(error.message).toContain('works on column "island", which this table lacks');
  });

  it('passes a table that already had the transform through unchanged', async () => {
    const fit = await runNodeForTest('feature.scale', {}, { in: train });
    const again = await runNodeForTest(
      'transform.apply',
      {},
      { transform: fit.outputs.transform, in: fit.outputs.out },
    );
    const rows: Record<string, SqlValue>[] = await again.readTable(again.outputs.out);
    expect(rows).toEqual(await fit.readTable(fit.outputs.out));
    expect(again.logs.map((l) => l.message)[0]).toMatch(/already had the transform/);
  });

  it('travels with a model: scoring raw test rows equals scoring the test rows transformed by hand', async () => {
    const { out, transforms } = await fitChain(train);
    const trained = await runNodeForTest('train.logistic', { label: 'species', epochs: 30 }, { in: out });
    const model = trained.outputs.model;
    if (model.kind !== 'model') throw new Error('no model');
    expect(model.transforms.map((t) => t.nodeType)).toEqual([
      'clean.missing',
      'clean.outliers',
      'feature.scale',
      'feature.onehot',
      'feature.bin',
    ]);
    const raw = await runNodeForTest('evaluate.score', {}, { model, in: test });
    const byHand = await runNodeForTest('evaluate.score', {}, { model, in: await applyAll(transforms, test) });
    const rawRows = await raw.readTable(raw.outputs.out);
    expect(rawRows).toHaveLength(test.rows);
    expect(rawRows.map((r) => r.prediction)).toEqual(
      (await byHand.readTable(byHand.outputs.out)).map((r) => r.prediction),
    );
  });
});
