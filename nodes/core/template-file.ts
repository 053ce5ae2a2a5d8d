import { z } from 'zod';
import { datasetNameSchema } from './datasets.js';
import { paramRefSchema, PIPELINE_PARAM_TYPES, pipelineFileSchema } from './pipeline-file.js';

export const TEMPLATE_FORMAT = 'pipewright-template/v1';

/** What a template param holds; `column` and `columns` name columns of the template's data (the studio shows pickers). */
export const TEMPLATE_PARAM_TYPES = PIPELINE_PARAM_TYPES;
export type TemplateParamType = (typeof TEMPLATE_PARAM_TYPES)[number];

export const templateParamSchema = z
  .object({
    /** A param of the template's pipeline (`params` in its file, used through `{"$param": name}`). */
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a param name is letters, digits and _'),
    type: z.enum(TEMPLATE_PARAM_TYPES),
    /** The value when the form leaves it; the pipeline's own value when absent. */
    default: z.unknown().optional(),
    description: z.string().max(500).optional(),
    /** The only values it may take (a select in the form). */
    allowed: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    /** For column params: the columns the picker offers (those of the template's data). */
    columns: z.array(z.string()).optional(),
    /** Bounds of a number. */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict();

/** A named dataset made from a file shipped with Pipewright (under `examples/`), when the workspace has none of that name. */
export const templateDatasetSchema = z
  .object({
    name: z.union([datasetNameSchema, paramRefSchema]),
    file: z.string().min(1),
  })
  .strict();

/** A schedule made with the pipeline. */
export const templateScheduleSchema = z
  .object({
    cron: z.string().optional(),
    timezone: z.string().optional(),
    onDataset: z.union([datasetNameSchema, paramRefSchema]).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    paused: z.boolean().optional(),
  })
  .strict();

/**
 * A template as a data-only file (what export gives and import takes): a
 * pipeline file whose declared params a form fills in, with the datasets
 * and schedules that come with it. No secrets, no ids.
 */
export const templateFileSchema = z
  .object({
    format: z.literal(TEMPLATE_FORMAT),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).default(''),
    /** Where the gallery lists it: Classification, Regression, … */
    category: z.string().max(60).optional(),
    params: z.array(templateParamSchema).default([]),
    pipeline: pipelineFileSchema,
    datasets: z.array(templateDatasetSchema).default([]),
    schedules: z.array(templateScheduleSchema).default([]),
  })
  .strict();

export type TemplateFile = z.infer<typeof templateFileSchema>;
export type TemplateParam = z.infer<typeof templateParamSchema>;

/** Params of nodes that name columns of the node's input table (pickers in the studio, `column` template params). */
export const COLUMN_PARAM_NAMES: ReadonlySet<string> = new Set([
  'label',
  'stratify',
  'column',
  'columns',
  'features',
  'include',
  'exclude',
  'on',
]);

/**
 * Checks one value against its declared param: the kind of value, and the
 * allowed values or the columns offered. Answers why not, or undefined.
 */
export function templateValueProblem(param: TemplateParam, value: unknown): string | undefined {
  const shown = JSON.stringify(value);
  switch (param.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a number, got ${shown}`;
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `expected a whole number, got ${shown}`;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return `expected true or false, got ${shown}`;
      break;
    case 'string':
    case 'column':
      if (typeof value !== 'string' || value === '')
        return `expected ${param.type === 'column' ? 'a column name' : 'a text'}, got ${shown}`;
      break;
    case 'dataset': {
      const name = datasetNameSchema.safeParse(value);
      if (!name.success) return `expected a dataset name, got ${shown}`;
      break;
    }
    case 'columns':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
        return `expected a list of column names, got ${shown}`;
      }
      break;
  }
  if (typeof value === 'number') {
    if (param.min !== undefined && value < param.min) return `${shown} is less than ${param.min}`;
    if (param.max !== undefined && value > param.max) return `${shown} is more than ${param.max}`;
  }
  if (param.allowed && !param.allowed.some((allowed) => allowed === value)) {
    return `${shown} is not one of ${param.allowed.map((allowed) => JSON.stringify(allowed)).join(', ')}`;
  }
  if (param.columns?.length) {
    const names = param.type === 'column' ? [value] : param.type === 'columns' ? (value as string[]) : [];
    const unknown = names.find((name) => !param.columns?.includes(name as string));
    if (unknown !== undefined) {
      return `"${String(unknown)}" is not a column of the template's data (its columns: ${param.columns.join(', ')})`;
    }
  }
  return undefined;
}
