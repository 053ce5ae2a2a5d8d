import { NodeError } from '../core/errors.js';
import type { ColumnBatch } from '../core/define-node.js';

export type ClassValue = string | number | boolean;

export const MAX_CLASSES = 100;

export interface LabelledRows {
  /** Distinct label values, sorted (numbers numerically, text by code point, false before true). */
  classes: ClassValue[];
  /** Rows that have a label, as indices into the batch. */
  rows: Int32Array;
  /** Class index of each of those rows. */
  targets: Int32Array;
}

/** Reads the label column as classes; rows without a label are left out. */
export function classLabels(batch: ColumnBatch, label: string): LabelledRows {
  const index = batch.columns.findIndex((c) => c.name === label);
  if (index === -1)
    throw new NodeError(`label column "${label}" is not in the table`, { param: 'label', column: label });
  const info = batch.columns[index];
  const values = batch.values[index];
  if (info.type === 'datetime') {
    throw new NodeError(`label "${label}" holds dates or times, not classes`, { param: 'label', column: label });
  }

  const keys: (ClassValue | undefined)[] = new Array(batch.rowCount);
  for (let row = 0; row < batch.rowCount; row++) {
    const v = values[row];
    keys[row] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? undefined : v;
  }
  const distinct = [...new Set(keys.filter((k): k is ClassValue => k !== undefined))];
  if (info.type === 'number') {
    const fractional = distinct.find((v) => !Number.isInteger(v));
    if (fractional !== undefined) {
      throw new NodeError(
        `label "${label}" holds continuous numbers (e.g. ${fractional}), not classes; a regression trainer predicts numbers`,
        { param: 'label', column: label },
      );
    }
  }
  if (distinct.length > MAX_CLASSES) {
    throw new NodeError(
      `label "${label}" has ${distinct.length} different values; a classifier takes at most ${MAX_CLASSES}`,
      {
        param: 'label',
        column: label,
      },
    );
  }
  const classes = distinct.sort(compareClasses);
  if (classes.length < 2) {
    const only = classes.length ? ` (${JSON.stringify(classes[0])})` : '';
    throw new NodeError(
      `label "${label}" has ${classes.length ? 'only one class' : 'no values'}${only}; a classifier needs at least two`,
      {
        param: 'label',
        column: label,
      },
    );
  }
  const position = new Map<ClassValue, number>(classes.map((c, i) => [c, i]));
  const rows: number[] = [];
  const targets: number[] = [];
  keys.forEach((key, row) => {
    if (key === undefined) return;
    rows.push(row);
    targets.push(position.get(key) as number);
  });
  return { classes, rows: Int32Array.from(rows), targets: Int32Array.from(targets) };
}

export function compareClasses(a: ClassValue, b: ClassValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The most probable class (index) of row `row` of a classifier's rows × k outputs; the first on a tie. */
export function bestClass(outputs: Float64Array, row: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (outputs[row * k + c] > outputs[row * k + best]) best = c;
  return best;
}
