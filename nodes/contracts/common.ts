import { z } from 'zod';
import type { SchemaChange } from '../core/datasets.js';
import type { PipelineIssue, PipelineIssueCode } from '../core/errors.js';
import type { ColumnInfo, LogicalType } from '../core/values.js';

/** The largest value of PostgreSQL's `integer`, which holds every version, seq and count we store. */
export const MAX_STORED_INTEGER = 2_147_483_647;

/**
 * A whole number a column will hold, so a number past the column's range is
 * a 400 naming the field at the boundary, not the database's 500.
 */
export function storedInteger(min = 0) {
  const range = `must be a whole number from ${min} to ${MAX_STORED_INTEGER}`;
  return z.number({ error: range }).int(range).min(min, range).max(MAX_STORED_INTEGER, range);
}

/** The same, read from a query string. */
export function storedIntegerText(min = 0) {
  return z.coerce.number().pipe(storedInteger(min));
}

/** `?limit=&offset=` of every list. */
export const pageQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: storedIntegerText(0).default(0),
  })
  .strict();
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** One page of a list: its items and how many there are in all. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().min(0) }).strict();
}
export interface Page<T> {
  items: T[];
  total: number;
}

/** When something happened, as the server writes it: ISO 8601 (`Date.toISOString()`). */
export const timestampSchema = z.iso.datetime({ offset: true });

export const logicalTypeSchema = z.enum(['number', 'string', 'boolean', 'datetime'] satisfies LogicalType[]);

export const columnInfoSchema = z
  .object({ name: z.string(), type: logicalTypeSchema, sqlType: z.string() })
  .strict() satisfies z.ZodType<ColumnInfo>;

/** What changed in a dataset's columns from one version to the next. */
export const schemaChangeSchema = z
  .object({
    /** The version compared with. */
    since: z.number().int(),
    added: z.array(columnInfoSchema),
    removed: z.array(columnInfoSchema),
    /** Same name, another kind of value (number → string, say). */
    retyped: z.array(
      z
        .object({
          name: z.string(),
          from: logicalTypeSchema,
          to: logicalTypeSchema,
          fromSqlType: z.string(),
          toSqlType: z.string(),
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<SchemaChange>;

const problemLocation = {
  nodeId: z.string().optional(),
  param: z.string().optional(),
  port: z.string().optional(),
  column: z.string().optional(),
  row: z.number().int().optional(),
};

export const pipelineIssueSchema = z
  .object({
    code: z.enum([
      'format',
      'duplicate-id',
      'unknown-node-type',
      'unknown-param',
      'bad-param',
      'unknown-pipeline-param',
      'unknown-port',
      'bad-edge',
      'incompatible-ports',
      'missing-input',
      'cycle',
      'unknown-dataset',
    ] satisfies PipelineIssueCode[]),
    message: z.string(),
    ...problemLocation,
  })
  .strict() satisfies z.ZodType<PipelineIssue>;

/**
 * The error body every endpoint answers with: `{ error: { code, message, nodeId?, param?, … } }`; an invalid
 * pipeline's also lists its `issues`.
 */
export const apiErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    ...problemLocation,
    issues: z.array(pipelineIssueSchema).optional(),
  })
  .strict();
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
export const apiErrorBodySchema = z.object({ error: apiErrorSchema });
