import type { ColumnInfo, ModelBundle } from '@pipewright/nodes';
import { ApiError, BadRequestError } from '../api/api-errors.js';

export const MAX_ROWS_PER_REQUEST = 10_000;

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
  const rows = (body as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new BadRequestError('the body must be { "rows": [ { column: value, … } ] }');
  if (rows.length === 0) throw new BadRequestError('"rows" is empty: send 1 to 10,000 rows');
  if (rows.length > MAX_ROWS_PER_REQUEST) throw new TooManyRowsError(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as unknown;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new BadRequestError(`row ${index} is not an object of column → value`, { row: index });
    }
    const record = row as Record<string, unknown>;
    for (const column of schema.columns) {
      const value = record[column.name];
      if (value === undefined) {
        throw new BadRequestError(`row ${index}: field "${column.name}" is missing (a ${column.type} is needed)`, {
          row: index,
          column: column.name,
        });
      }
      if (value === null) {
        if (column.nullable) continue;
        throw new BadRequestError(`row ${index}: field "${column.name}" may not be null (a ${column.type} is needed)`, {
          row: index,
          column: column.name,
        });
      }
      if (!fits(value, column.type)) {
        throw new BadRequestError(
          `row ${index}: field "${column.name}" must be a ${column.type}; got ${describe(value)}`,
          { row: index, column: column.name },
        );
      }
    }
  }
  return rows as RequestRow[];
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
