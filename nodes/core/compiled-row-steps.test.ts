import { describe, expect, it } from 'vitest';
import { applyStepsToRow, compileRowSteps, type Row, type SlotValue } from './transforms.js';
import type { TransformStep } from './values.js';

/** The row compiled steps leave, as an object of the defined slots (what applyStepsToRow's row holds of them). */
function compiledRow(steps: TransformStep[], columns: string[], row: Row): Record<string, SlotValue> {
  const compiled = compileRowSteps(steps, columns);
  const values: SlotValue[] = compiled.slots.map((name) => row[name]);
  compiled.apply(values, 0);
  const out: Record<string, SlotValue> = {};
  compiled.slots.forEach((name, s) => {
    if (values[s] !== undefined) out[name] = values[s];
  });
  return out;
}

describe('compileRowSteps', () => {
  const steps: TransformStep[] = [
    { op: 'impute', column: 'age', value: 30 },
    { op: 'dropMissing', columns: ['age'] },
    { op: 'clip', column: 'fare', min: 0, max: 100 },
    { op: 'dropOutside', column: 'age', min: 1, max: 80 },
    { op: 'scale', column: 'fare', center: 10, scale: 4 },
    // "other" as a category, and a category listed twice: the same names applyStepsToRow writes.
    { op: 'onehot', column: 'port', categories: ['C', 'Q', 'other', 'Q'], other: true },
    { op: 'onehot', column: 'deck', categories: ['1', 'true'], other: false },
    { op: 'bin', column: 'age', edges: [0, 18, 60, 100] },
    { op: 'bin', column: 'fare', edges: [-10, 0, 10] },
  ];
  const columns = ['age', 'fare', 'port', 'deck'];
  const rows: Row[] = [
    { age: 22, fare: 7.25, port: 'S', deck: 1 },
    { age: null, fare: 500, port: 'C', deck: true },
    { age: 90, fare: -3, port: 'other', deck: 'true' },
    { age: 0.5, fare: null, port: null, deck: null },
    { fare: 12, port: 'Q' },
    { age: 'old', fare: 'cheap', port: 7, deck: false },
    { age: 40, fare: 40, port: 'Q', deck: '1', extra: 'kept out' },
  ];

  it('leaves each row as applyStepsToRow does', () => {
    for (const row of rows) {
      const expected = applyStepsToRow(steps, row);
      delete expected.extra;
      expect(compiledRow(steps, columns, row)).toEqual(expected);
    }
  });

  it('puts the given columns first and works on any row of a shared array', () => {
    const compiled = compileRowSteps(steps, columns);
    expect(compiled.slots.slice(0, 4)).toEqual(columns);
    const stride = compiled.slots.length;
    const values: SlotValue[] = rows.flatMap((row) => compiled.slots.map((name) => row[name]));
    rows.forEach((_, i) => compiled.apply(values, i * stride));
    rows.forEach((row, i) => {
      const expected = applyStepsToRow(steps, row);
      compiled.slots.forEach((name, s) => expect(values[i * stride + s]).toEqual(expected[name]));
    });
  });
});
