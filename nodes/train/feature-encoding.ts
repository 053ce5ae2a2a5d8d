import { NodeError } from '../core/errors.js';
import type { ColumnBatch } from '../core/define-node.js';
import type { ColumnInfo, EncodedFeature, FeatureEncoding } from '../core/values.js';

/**
 * A text column with more distinct values than this (and more than half as
 * many as there are rows) looks like an identifier or free text, which
 * one-hot encoding would turn into noise.
 */
export const MAX_CATEGORIES = 1000;

type Column = ColumnBatch['values'][number];

/** Row indices to use, or all rows. */
export type RowSelection = ArrayLike<number> | undefined;

function rowAt(rows: RowSelection, i: number): number {
  return rows ? rows[i] : i;
}

function columnOf(batch: ColumnBatch, name: string): { info: ColumnInfo; values: Column } {
  const index = batch.columns.findIndex((c) => c.name === name);
  if (index === -1) throw new NodeError(`column "${name}" is not in the table`, { column: name });
  return { info: batch.columns[index], values: batch.values[index] };
}

/** A numeric feature's column; one that holds anything but numbers is refused, naming it. */
function numbersOf(batch: ColumnBatch, name: string): Float64Array {
  const { info, values } = columnOf(batch, name);
  if (!(values instanceof Float64Array)) {
    throw new NodeError(`column "${name}" must hold numbers but holds ${info.type} values`, { column: name });
  }
  return values;
}

/** A text feature's category index for a value; undefined when it is missing or a category not seen in fitting. */
function categoryOf(position: Map<string, number>, v: unknown): number | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))
    ? undefined
    : position.get(String(v));
}

/**
 * Learns how to turn raw feature columns into one numeric vector: numbers
 * are standardised (missing ones filled with the mean), text and booleans
 * one-hot encoded with their sorted categories (unknown or missing: all
 * zeros). Fitted on the given rows only. With `standardize: false`
 * numbers keep their units (missing ones still get the mean).
 */
export function fitEncoding(
  batch: ColumnBatch,
  features: string[],
  rows?: RowSelection,
  options: { standardize?: boolean } = {},
): FeatureEncoding {
  const standardize = options.standardize ?? true;
  const count = rows ? rows.length : batch.rowCount;
  const encoded: EncodedFeature[] = features.map((name) => {
    const { info, values } = columnOf(batch, name);
    if (info.type === 'datetime') {
      throw new NodeError(
        `feature "${name}" holds dates or times, which cannot be encoded; derive numbers from it first`,
        {
          param: 'features',
          column: name,
        },
      );
    }
    if (values instanceof Float64Array) {
      let sum = 0;
      let present = 0;
      for (let i = 0; i < count; i++) {
        const v = values[rowAt(rows, i)];
        if (!Number.isNaN(v)) {
          sum += v;
          present++;
        }
      }
      if (present === 0) {
        throw new NodeError(`feature "${name}" has no values`, { param: 'features', column: name });
      }
      const mean = sum / present;
      let squares = 0;
      for (let i = 0; i < count; i++) {
        const v = values[rowAt(rows, i)];
        if (!Number.isNaN(v)) squares += (v - mean) ** 2;
      }
      const std = Math.sqrt(squares / present);
      // Models that do not care about scale (trees, naive Bayes) keep the raw units: mean 0, std 1.
      if (!standardize) return { column: name, kind: 'numeric', mean: 0, std: 1, fill: mean };
      return { column: name, kind: 'numeric', mean, std: std > 1e-12 ? std : 1, fill: mean };
    }
    const categories = new Set<string>();
    for (let i = 0; i < count; i++) {
      const v = values[rowAt(rows, i)];
      if (v !== null && v !== undefined) categories.add(String(v));
    }
    if (categories.size > MAX_CATEGORIES || (categories.size > 50 && categories.size > count / 2)) {
      throw new NodeError(
        `feature "${name}" is text with ${categories.size} different values in ${count} rows, too many to one-hot encode; ` +
          'leave it out of features or convert it to numbers',
        { param: 'features', column: name },
      );
    }
    return { column: name, kind: 'onehot', categories: [...categories].sort() };
  });
  const width = encoded.reduce((sum, f) => sum + (f.kind === 'numeric' ? 1 : f.categories.length), 0);
  return { features: encoded, width };
}

/** The encoded rows, row-major (rows × encoding.width). */
export function encodeFeatures(encoding: FeatureEncoding, batch: ColumnBatch, rows?: RowSelection): Float32Array {
  const count = rows ? rows.length : batch.rowCount;
  const out = new Float32Array(count * encoding.width);
  let offset = 0;
  for (const feature of encoding.features) {
    if (feature.kind === 'numeric') {
      const values = numbersOf(batch, feature.column);
      for (let i = 0; i < count; i++) {
        const v = values[rowAt(rows, i)];
        out[i * encoding.width + offset] = ((Number.isNaN(v) ? feature.fill : v) - feature.mean) / feature.std;
      }
      offset += 1;
    } else {
      const { values } = columnOf(batch, feature.column);
      const position = new Map(feature.categories.map((c, k) => [c, k]));
      for (let i = 0; i < count; i++) {
        const k = categoryOf(position, values[rowAt(rows, i)]);
        if (k !== undefined) out[i * encoding.width + offset + k] = 1;
      }
      offset += feature.categories.length;
    }
  }
  return out;
}

/** Names of the encoded vector's entries, for reports (e.g. "sex=FEMALE"). */
export function encodedNames(encoding: FeatureEncoding): string[] {
  return encoding.features.flatMap((f) =>
    f.kind === 'numeric' ? [f.column] : f.categories.map((c) => `${f.column}=${c}`),
  );
}

/**
 * One entry per feature instead of one per encoded column: numbers
 * standardised as in encodeFeatures, text as its category's index (-1:
 * unknown or missing). Distance-based models keep their training rows this
 * way: a one-hot block of c columns becomes one number.
 */
export function encodeCompact(encoding: FeatureEncoding, batch: ColumnBatch, rows?: RowSelection): Float32Array {
  const count = rows ? rows.length : batch.rowCount;
  const width = encoding.features.length;
  const out = new Float32Array(count * width);
  encoding.features.forEach((feature, f) => {
    if (feature.kind === 'numeric') {
      const values = numbersOf(batch, feature.column);
      for (let i = 0; i < count; i++) {
        const v = values[rowAt(rows, i)];
        out[i * width + f] = ((Number.isNaN(v) ? feature.fill : v) - feature.mean) / feature.std;
      }
      return;
    }
    const { values } = columnOf(batch, feature.column);
    const position = new Map(feature.categories.map((c, k) => [c, k]));
    for (let i = 0; i < count; i++) out[i * width + f] = categoryOf(position, values[rowAt(rows, i)]) ?? -1;
  });
  return out;
}

/** A row's value of a numeric feature as a batch holds it: NaN when missing, booleans as 0/1; text is refused. */
export function rowNumber(v: unknown, column: string, row: number): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new NodeError(`row ${row}: "${column}" must be a number, not ${JSON.stringify(v)}`, { column, row });
}

/** A row's value of a text feature as a batch holds it: null when missing, booleans kept, anything else as text. */
export function rowText(v: unknown): string | boolean | null {
  return v === null || v === undefined ? null : typeof v === 'boolean' ? v : String(v);
}

/**
 * The feature columns of plain row objects (a prediction request) as a
 * batch encodeFeatures can read. A missing field is a missing value; a
 * numeric feature given text is an error naming the row and column.
 */
export function rowsToBatch(encoding: FeatureEncoding, rows: Record<string, unknown>[]): ColumnBatch {
  const columns: ColumnBatch['columns'] = [];
  const values: ColumnBatch['values'] = [];
  for (const feature of encoding.features) {
    if (feature.kind === 'numeric') {
      const numbers = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        numbers[i] = rowNumber(row[feature.column], feature.column, i);
      });
      columns.push({ name: feature.column, type: 'number', sqlType: 'DOUBLE' });
      values.push(numbers);
    } else {
      columns.push({ name: feature.column, type: 'string', sqlType: 'VARCHAR' });
      values.push(rows.map((row) => rowText(row[feature.column])));
    }
  }
  return { columns, rowCount: rows.length, values };
}
