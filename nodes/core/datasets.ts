import { z } from 'zod';
import type { ColumnInfo, LogicalType } from './values.js';

/**
 * A named dataset's name, as a source node's `dataset` param and the API's
 * `/datasets/:name` take it: what a person would call a file (`iris.csv`,
 * `Churn 2024`), without slashes or control characters.
 */
export const datasetNameSchema = z
  .string()
  .min(1, 'a dataset name is not empty')
  .max(200, 'a dataset name has at most 200 characters')
  .refine((name) => name.trim() === name, 'a dataset name does not start or end with a space')
  .refine(
    (name) => ![...name].some((char) => char === '/' || char === '\\' || char.charCodeAt(0) < 32 || char === '\u007f'),
    'a dataset name has no slash, backslash or control character',
  )
  .refine((name) => !/^\.+$/.test(name), 'a dataset name is more than dots');

export const datasetVersionSchema = z.number().int().min(1);

/** What changed in a dataset's columns from one version to the next. */
export interface SchemaChange {
  /** The version compared with. */
  since: number;
  added: ColumnInfo[];
  removed: ColumnInfo[];
  /** Same name, another kind of value (number → string, say). */
  retyped: { name: string; from: LogicalType; to: LogicalType; fromSqlType: string; toSqlType: string }[];
}

/**
 * The columns a version added, removed and retyped against the version
 * before it; undefined when nothing changed. Order alone is no change: nodes
 * read columns by name.
 */
export function diffColumns(
  previous: readonly ColumnInfo[],
  next: readonly ColumnInfo[],
  since: number,
): SchemaChange | undefined {
  const before = new Map(previous.map((column) => [column.name, column]));
  const after = new Map(next.map((column) => [column.name, column]));
  const added = next.filter((column) => !before.has(column.name));
  const removed = previous.filter((column) => !after.has(column.name));
  const retyped = next.flatMap((column) => {
    const old = before.get(column.name);
    return old && old.type !== column.type
      ? [{ name: column.name, from: old.type, to: column.type, fromSqlType: old.sqlType, toSqlType: column.sqlType }]
      : [];
  });
  if (added.length === 0 && removed.length === 0 && retyped.length === 0) return undefined;
  return { since, added, removed, retyped };
}

/** `removed "age"; added "age_years" (number); "zip" number → string`: one line for a log or a notice. */
export function describeSchemaChange(change: SchemaChange): string {
  const parts: string[] = [];
  if (change.removed.length) parts.push(`removed ${change.removed.map((c) => `"${c.name}"`).join(', ')}`);
  if (change.added.length) parts.push(`added ${change.added.map((c) => `"${c.name}" (${c.type})`).join(', ')}`);
  for (const column of change.retyped) parts.push(`"${column.name}" ${column.from} → ${column.to}`);
  return parts.join('; ');
}
