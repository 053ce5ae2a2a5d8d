import {
  columnParamKind,
  isParamRef,
  paramsJsonSchema,
  type AnyNodeDescription,
  type ColumnParamKind,
} from '@pipewright/nodes/descriptions';

/** The editor a param gets, read off its JSON Schema. */
export type ParamField =
  | (FieldBase & { kind: 'text' })
  | (FieldBase & {
      kind: 'number';
      integer: boolean;
      min?: number;
      max?: number;
      exclusiveMin?: number;
      exclusiveMax?: number;
    })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: string[] })
  | (FieldBase & { kind: 'text-list' })
  | (FieldBase & { kind: 'number-list'; integer: boolean })
  /** A value that may be a number or a text (e.g. an imputation constant). */
  | (FieldBase & { kind: 'scalar' })
  /** Anything richer (records, nested objects) is edited as JSON. */
  | (FieldBase & { kind: 'json' });

interface FieldBase {
  name: string;
  label: string;
  description?: string;
  required: boolean;
  defaultValue?: unknown;
  /** Set when the param names columns of the node's input table (its schema says so): one or a list. */
  columns?: ColumnParamKind;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

/** zod writes ±2^53−1 as the bounds of every integer: they are no real limit to show. */
const isRealBound = (bound: number | undefined) =>
  bound !== undefined && Math.abs(bound) < Number.MAX_SAFE_INTEGER ? bound : undefined;

/** `learningRate` → `Learning rate`, `naValues` → `NA values`. */
export function humanizeParamName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((word, index) => {
      if (/^na$/i.test(word)) return 'NA';
      return index === 0 ? word[0].toUpperCase() + word.slice(1) : word.toLowerCase();
    });
  return words.join(' ');
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type.filter((type) => type !== 'null');
  if (schema.type) return [schema.type];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return branches.flatMap((branch) => typesOf(branch));
  return [];
}

function fieldFor(name: string, schema: JsonSchema, base: FieldBase): ParamField {
  const branches = (schema.anyOf ?? schema.oneOf ?? []).filter((branch) => branch.type !== 'null');
  if (branches.length === 1)
    return fieldFor(
      name,
      { ...branches[0], default: schema.default, description: schema.description ?? branches[0].description },
      base,
    );
  if (Array.isArray(schema.enum) && schema.enum.every((option) => typeof option === 'string')) {
    return { ...base, kind: 'enum', options: schema.enum as string[] };
  }
  const types = typesOf(schema);
  if (types.length === 1) {
    const [type] = types;
    if (type === 'string') return { ...base, kind: 'text' };
    if (type === 'boolean') return { ...base, kind: 'boolean' };
    if (type === 'number' || type === 'integer') {
      return {
        ...base,
        kind: 'number',
        integer: type === 'integer',
        min: isRealBound(schema.minimum),
        max: isRealBound(schema.maximum),
        exclusiveMin: isRealBound(schema.exclusiveMinimum),
        exclusiveMax: isRealBound(schema.exclusiveMaximum),
      };
    }
    if (type === 'array' && schema.items) {
      const itemTypes = typesOf(schema.items);
      if (itemTypes.length === 1 && itemTypes[0] === 'string' && !schema.items.enum)
        return { ...base, kind: 'text-list' };
      if (itemTypes.length === 1 && (itemTypes[0] === 'number' || itemTypes[0] === 'integer')) {
        return { ...base, kind: 'number-list', integer: itemTypes[0] === 'integer' };
      }
    }
  }
  if (types.length === 2 && types.includes('string') && (types.includes('number') || types.includes('integer'))) {
    return { ...base, kind: 'scalar' };
  }
  return { ...base, kind: 'json' };
}

/** The form a node's params get, in the order its schema declares them. */
export function paramFields(definition: AnyNodeDescription): ParamField[] {
  const schema = paramsJsonSchema(definition) as JsonSchema;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, property]) =>
    fieldFor(name, property, {
      name,
      label: property.title ?? humanizeParamName(name),
      description: definition.docs.params?.[name] ?? property.description,
      required: required.has(name),
      defaultValue: property.default,
      columns: columnParamKind(property as Record<string, unknown>),
    }),
  );
}

/** Replaces `{ "$param": name }` references by the pipeline param's value, as the server will. */
export function resolveParamRefs(
  params: Record<string, unknown>,
  pipelineParams: Record<string, unknown>,
): Record<string, unknown> {
  const resolve = (value: unknown): unknown => {
    if (isParamRef(value)) return pipelineParams[value.$param];
    if (Array.isArray(value)) return value.map(resolve);
    return value;
  };
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, resolve(value)]));
}

/**
 * What the node's own zod schema says about its params, by param name (a
 * problem that belongs to no single param is under ''). The same schema
 * decides on the server, so the form and a run agree.
 */
export function paramErrors(
  definition: AnyNodeDescription,
  params: Record<string, unknown>,
  pipelineParams: Record<string, unknown>,
): Record<string, string> {
  const resolved = resolveParamRefs(params, pipelineParams);
  const result = definition.params.safeParse(resolved);
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      errors[''] ??= `unknown param${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
      continue;
    }
    const name = issue.path.length ? String(issue.path[0]) : '';
    const missing = issue.code === 'invalid_type' && issue.path.length === 1 && resolved[name] === undefined;
    errors[name] ??= missing ? 'Required' : issue.message;
  }
  return errors;
}

/** Text shown for a list param: `a, b, c`. */
export function formatList(value: unknown): string {
  return Array.isArray(value) ? value.map((item) => String(item)).join(', ') : '';
}

/** Parses `a, b, c`; an empty text means "not set" so the default applies. */
export function parseTextList(text: string): string[] | undefined {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  return items.length ? items : undefined;
}

/** Parses `1, 2.5`; items that are not numbers stay as text so the schema names the problem. */
export function parseNumberList(text: string): (number | string)[] | undefined {
  const items = parseTextList(text);
  return items?.map((item) => (Number.isFinite(Number(item)) ? Number(item) : item));
}

/** A number or a text: `3` is the number 3, `n/a` is text. */
export function parseScalar(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) && text.trim() !== '' ? number : text;
}

export function describeBounds(field: Extract<ParamField, { kind: 'number' }>): string | undefined {
  const lower =
    field.min !== undefined
      ? `≥ ${field.min}`
      : field.exclusiveMin !== undefined
        ? `> ${field.exclusiveMin}`
        : undefined;
  const upper =
    field.max !== undefined
      ? `≤ ${field.max}`
      : field.exclusiveMax !== undefined
        ? `< ${field.exclusiveMax}`
        : undefined;
  const parts = [field.integer ? 'whole number' : undefined, lower, upper].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}
