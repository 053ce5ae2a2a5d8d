import { NodeError } from './errors.js';
import { requireColumn } from './inputs.js';
import type { ColumnInfo } from './values.js';

/**
 * The numeric columns a node works on: the named ones (each checked to exist
 * and hold numbers, else an error naming the param and column), or every
 * numeric column when none are named.
 */
export function numericColumns(table: { columns: ColumnInfo[] }, named: string[], param: string): ColumnInfo[] {
  if (named.length === 0) return table.columns.filter((c) => c.type === 'number');
  return named.map((name) => {
    const column = requireColumn(table, name, param);
    if (column.type !== 'number') {
      throw new NodeError(`column "${name}" holds ${column.type} values, not numbers`, { param, column: name });
    }
    return column;
  });
}

/** A finite number from a SQL aggregate, or null (an all-missing column). */
export function finiteOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}
