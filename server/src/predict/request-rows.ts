import type { ColumnInfo, ModelBundle, SlotValue } from '@pipewright/nodes';
import { MAX_PREDICTION_ROWS } from '@pipewright/nodes/contracts';
import { ApiError, BadRequestError } from '../api/api-errors.js';

/** The most rows one request may send: the prediction contract's. */
export const MAX_ROWS_PER_REQUEST = MAX_PREDICTION_ROWS;

type Cell = string | number | boolean | null;
export type RequestRow = Record<string, Cell>;

export class TooManyRowsError extends ApiError {
  constructor(rows: number) {
    super(413, 'too-many-rows', `a request takes 1 to ${MAX_ROWS_PER_REQUEST} rows; got ${rows}`);
  }
}

/**
 * What a request's rows are checked against: each input column's type, and
 * whether a null is handled as in training (imputed by the fitted
 * preprocessing, or filled by the trainer's encoding). Every input field
 * must be present, null or not.
 */
export interface RowSchema {
  columns: { name: string; type: ColumnInfo['type']; nullable: boolean }[];
}

export function rowSchema(model: ModelBundle): RowSchema {
  // Every step handles a null as scoring a table does (imputes it, or lets it through as missing).
  const imputed = new Set<string>();
  for (const transform of model.transforms) {
    for (const step of transform.steps) if ('column' in step) imputed.add(step.column);
  }
  const encoded = new Map(model.encoding.features.map((feature) => [feature.column, feature]));
  return {
    columns: model.inputs.map((column) => {
      const feature = encoded.get(column.name);
      // The encoding fills a missing number (`fill`) and gives a missing category all zeros.
      const filledByEncoding = feature !== undefined;
      return { name: column.name, type: column.type, nullable: imputed.has(column.name) || filledByEncoding };
    }),
  };
}

/**
 * Checks `{ rows: [...] }` against the schema; the first problem is a 400
 * naming the row index and the field. Fields the model does not use are ignored.
 */
export function checkRequestRows(body: unknown, schema: RowSchema): RequestRow[] {
  return checkRows(requestRowList(body), schema);
}

/**
 * checkRequestRows of a list of any length (an exported model module takes
 * as many rows as its caller gives): the first problem throws the same
 * BadRequestError, naming the row index and the field.
 */
export function checkRows(rows: unknown[], schema: RowSchema): RequestRow[] {
  for (let index = 0; index < rows.length; index++) {
    const record = rowObject(rows[index], index);
    for (const column of schema.columns) {
      const value = record[column.name];
      if (value === undefined || value === null || !fits(value, column.type)) {
        if (value === null && column.nullable) continue;
        throw cellProblem(index, column, value);
      }
    }
  }
  return rows as RequestRow[];
}

/**
 * checkRequestRows and reading the rows in one pass, for scoring without
 * per-row objects: the values of rows `from` to `to` (of a list
 * requestRowList has checked) for `columns` (the schema's columns first,
 * in order: they are checked; then fields the model reads unchecked, as
 * predictRows would) go row-major into one array, `stride` values a row.
 * The same 400s as checkRequestRows, in the same order, for those rows.
 */
export function readRequestRows(
  rows: unknown[],
  schema: RowSchema,
  columns: string[],
  stride: number,
  from = 0,
  to = rows.length,
): SlotValue[] {
  const values: SlotValue[] = new Array<SlotValue>((to - from) * stride);
  readerOf(schema, columns)(rows, from, to, values, stride);
  return values;
}

type RowReader = (rows: unknown[], from: number, to: number, values: SlotValue[], stride: number) => void;
const readers = new WeakMap<RowSchema, { columns: string[]; read: RowReader }>();

/**
 * The reading loop of readRequestRows for one schema, generated once with
 * each field name written into the code as a string literal (JSON.stringify
 * quotes it): every `row["field"]` is then a load V8 caches for the shape
 * JSON.parse gives all rows of a request, where a lookup by a name held in
 * a variable is a hash lookup per field — measured, 5× slower for 1,000
 * rows of 30 fields (docs/performance.md). A finite number in a number
 * (or text) field is accepted inline; anything else goes to `cell`, which
 * checks it as checkRequestRows does.
 */
function readerOf(schema: RowSchema, columns: string[]): RowReader {
  const known = readers.get(schema);
  if (known && known.columns === columns) return known.read;
  const checked = schema.columns;
  checked.forEach((column, c) => {
    if (columns[c] !== column.name) throw new Error(`row reader: column ${c} is "${columns[c]}", not "${column.name}"`);
  });
  const lines = columns.map((name, c) => {
    const field = `row[${JSON.stringify(name)}]`;
    if (c >= checked.length) return `values[base + ${c}] = ${field};`;
    const inline = checked[c].type === 'number' || checked[c].type === 'string';
    return inline
      ? `v = ${field}; values[base + ${c}] = typeof v === 'number' && v - v === 0 ? v : cell(index, ${c}, v);`
      : `values[base + ${c}] = cell(index, ${c}, ${field});`;
  });
  const cell = (index: number, c: number, value: unknown): SlotValue => {
    const column = checked[c];
    if (value === undefined || value === null || !fits(value, column.type)) {
      if (value === null && column.nullable) return null;
      throw cellProblem(index, column, value);
    }
    return value as SlotValue;
  };
  // Only field names go into the code, each quoted by JSON.stringify: a name cannot end its string literal.
  const make = new Function(
    'rowObject',
    'cell',
    `return function readRows(rows, from, to, values, stride) {
      for (let index = from; index < to; index++) {
        const row = rowObject(rows[index], index);
        const base = (index - from) * stride;
        let v;
        ${lines.join('\n        ')}
      }
    };`,
  ) as (object: typeof rowObject, check: typeof cell) => RowReader;
  const read = make(rowObject, cell);
  readers.set(schema, { columns, read });
  return read;
}

/** The body's list of rows: a 400 where there is none or it is empty, a 413 for too many. */
export function requestRowList(body: unknown): unknown[] {
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new BadRequestError('the body must be { "rows": [ { column: value, … } ] }');
  if (rows.length === 0) throw new BadRequestError('"rows" is empty: send 1 to 10,000 rows');
  if (rows.length > MAX_ROWS_PER_REQUEST) throw new TooManyRowsError(rows.length);
  return rows;
}

function rowObject(row: unknown, index: number): Record<string, unknown> {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new BadRequestError(`row ${index} is not an object of column → value`, { row: index });
  }
  return row as Record<string, unknown>;
}

/** The 400 for a missing, null or mistyped field, naming the row index and the field. */
function cellProblem(index: number, column: RowSchema['columns'][number], value: unknown): BadRequestError {
  const where = { row: index, column: column.name };
  if (value === undefined) {
    return new BadRequestError(`row ${index}: field "${column.name}" is missing (a ${column.type} is needed)`, where);
  }
  if (value === null) {
    return new BadRequestError(
      `row ${index}: field "${column.name}" may not be null (a ${column.type} is needed)`,
      where,
    );
  }
  return new BadRequestError(
    `row ${index}: field "${column.name}" must be a ${column.type}; got ${describe(value)}`,
    where,
  );
}

function fits(value: unknown, type: ColumnInfo['type']): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
  return `${typeof value} ${String(value)}`;
}
