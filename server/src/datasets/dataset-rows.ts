import type { ColumnBatch, ColumnInfo } from '@pipewright/nodes';
import { ApiError, BadRequestError } from '../api/api-errors.js';

/** The most rows one `POST /datasets/:name/rows` may add; more go in a file upload. */
export const MAX_APPENDED_ROWS = 50_000;

/** A checked cell: what the dataset's column holds (datetimes as the text given). */
export type CellValue = number | string | boolean | null;

/** Rows checked against a dataset's columns, each row's values in the columns' order. */
export interface CheckedRows {
  columns: ColumnInfo[];
  rows: CellValue[][];
}

/** Where a row came from, for error messages: `rows[3]` of a JSON body or line 5 of a CSV body. */
type RowPlace = { kind: 'json'; index: number } | { kind: 'csv'; line: number };

function placeName(place: RowPlace): string {
  return place.kind === 'json' ? `rows[${place.index}]` : `line ${place.line}`;
}

function placeRow(place: RowPlace): number {
  return place.kind === 'json' ? place.index : place.line;
}

function rowCountCheck(count: number): void {
  if (count === 0) throw new BadRequestError('no rows to add: send at least one');
  if (count > MAX_APPENDED_ROWS) {
    throw new ApiError(
      413,
      'payload-too-large',
      `${count} rows is more than the ${MAX_APPENDED_ROWS} one request may add: upload a file for more`,
    );
  }
}

/**
 * Checks `{ "rows": [ {column: value} ] }` against the dataset's columns:
 * every row has exactly those columns, each value of its column's kind (or
 * null). The first problem is a 400 naming the row index and the column.
 */
export function checkJsonRows(body: unknown, columns: readonly ColumnInfo[]): CheckedRows {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('rows' in body)) {
    throw new BadRequestError('send { "rows": [ { "column": value, … } ] } as JSON, or a CSV with a header line');
  }
  const extra = Object.keys(body).filter((key) => key !== 'rows');
  if (extra.length)
    throw new BadRequestError(`unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}`);
  const rows = (body as { rows: unknown }).rows;
  if (!Array.isArray(rows)) throw new BadRequestError('"rows" must be an array of objects');
  rowCountCheck(rows.length);
  const known = new Set(columns.map((column) => column.name));
  const checked = rows.map((row: unknown, index) => {
    const place: RowPlace = { kind: 'json', index };
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new BadRequestError(`${placeName(place)} is not an object of column → value`, { row: index });
    }
    const record = row as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !known.has(key));
    if (unknown !== undefined) {
      throw new BadRequestError(
        `${placeName(place)} has a column "${unknown}" the dataset does not have (its columns: ${columns.map((c) => c.name).join(', ')})`,
        { row: index, column: unknown },
      );
    }
    return columns.map((column) => {
      if (!(column.name in record)) {
        throw new BadRequestError(`${placeName(place)} has no "${column.name}" (give null for a missing value)`, {
          row: index,
          column: column.name,
        });
      }
      return jsonCell(record[column.name], column, place);
    });
  });
  return { columns: [...columns], rows: checked };
}

function jsonCell(value: unknown, column: ColumnInfo, place: RowPlace): CellValue {
  if (value === null) return null;
  const ok =
    column.type === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : column.type === 'boolean'
        ? typeof value === 'boolean'
        : column.type === 'datetime'
          ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
          : typeof value === 'string';
  if (!ok) throw cellError(place, column, JSON.stringify(value));
  return value as CellValue;
}

function cellError(place: RowPlace, column: ColumnInfo, shown: string): BadRequestError {
  const expected =
    column.type === 'number'
      ? 'a number'
      : column.type === 'boolean'
        ? 'true or false'
        : column.type === 'datetime'
          ? 'a date (2024-01-31 or 2024-01-31T08:00:00Z)'
          : 'text';
  return new BadRequestError(
    `${placeName(place)}, column "${column.name}": expected ${expected} or null, got ${shown}`,
    { row: placeRow(place), column: column.name },
  );
}

/**
 * Checks a CSV body (a header line, then rows; every field as text, an
 * empty field missing) against the dataset's columns. `records` are the
 * fields as parsed, the header first.
 */
export function checkCsvRecords(records: (string | null)[][], columns: readonly ColumnInfo[]): CheckedRows {
  const [header, ...rows] = records;
  if (!header) throw new BadRequestError('the CSV is empty: send a header line and at least one row');
  rowCountCheck(rows.length);
  const byName = new Map(columns.map((column) => [column.name, column]));
  const names = header.map((name) => name ?? '');
  const unknown = names.find((name) => !byName.has(name));
  if (unknown !== undefined) {
    throw new BadRequestError(
      `the header names a column "${unknown}" the dataset does not have (its columns: ${columns.map((c) => c.name).join(', ')})`,
      { row: 1, column: unknown },
    );
  }
  const missing = columns.find((column) => !names.includes(column.name));
  if (missing) {
    throw new BadRequestError(`the header has no "${missing.name}": give every column of the dataset`, {
      row: 1,
      column: missing.name,
    });
  }
  const positions = columns.map((column) => names.indexOf(column.name));
  const checked = rows.map((fields, index) => {
    const place: RowPlace = { kind: 'csv', line: index + 2 };
    if (fields.length !== names.length) {
      throw new BadRequestError(`${placeName(place)} has ${fields.length} fields; the header has ${names.length}`, {
        row: place.line,
      });
    }
    return columns.map((column, i) => csvCell(fields[positions[i]], column, place));
  });
  return { columns: [...columns], rows: checked };
}

function csvCell(text: string | null, column: ColumnInfo, place: RowPlace): CellValue {
  if (text === null || text.trim() === '') return null;
  const trimmed = text.trim();
  switch (column.type) {
    case 'number': {
      const number = Number(trimmed);
      if (!Number.isFinite(number)) throw cellError(place, column, `"${text}"`);
      return number;
    }
    case 'boolean':
      if (/^true$/i.test(trimmed)) return true;
      if (/^false$/i.test(trimmed)) return false;
      throw cellError(place, column, `"${text}"`);
    case 'datetime':
      if (Number.isNaN(Date.parse(trimmed))) throw cellError(place, column, `"${text}"`);
      return trimmed;
    default:
      return text;
  }
}

/** The rows as CSV lines with `delimiter`, in the columns' order; a field with a separator, quote or line break is quoted. */
export function csvLines(checked: CheckedRows, delimiter: string): string {
  const field = (value: CellValue): string => {
    if (value === null) return '';
    const text = typeof value === 'number' ? String(value) : String(value);
    return text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim() || text === ''
      ? `"${text.replaceAll('"', '""')}"`
      : text;
  };
  return checked.rows.map((row) => row.map(field).join(delimiter)).join('\n') + '\n';
}

/** The rows as a column batch for DuckDB (datetimes as text, cast to the column's type in SQL). */
export function rowsBatch(checked: CheckedRows): ColumnBatch {
  const columns: ColumnInfo[] = checked.columns.map((column) =>
    column.type === 'datetime' ? { ...column, type: 'string' } : column,
  );
  const values = checked.columns.map((column, index) => {
    if (column.type === 'number') {
      return Float64Array.from(checked.rows, (row) => (row[index] === null ? Number.NaN : (row[index] as number)));
    }
    return checked.rows.map((row) => row[index] as string | boolean | null);
  });
  return { columns, rowCount: checked.rows.length, values };
}
