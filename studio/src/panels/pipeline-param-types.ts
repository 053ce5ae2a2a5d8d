import type { AnyNodeDescription, PipelineParamInfo, PipelineParamType } from '@pipewright/nodes/descriptions';
import { paramErrors, type ParamField } from './param-fields';

/** What a param's type is called in the studio. */
export const PARAM_TYPE_LABELS: Record<PipelineParamType, string> = {
  number: 'Number',
  integer: 'Whole number',
  string: 'Text',
  boolean: 'True or false',
  column: 'A column',
  columns: 'A list of columns',
  dataset: 'A dataset',
};

/** A param given no type holds any JSON value (a list of numbers, a record): only the field's schema judges it. */
type ParamKind = PipelineParamType | 'json';

/** The kinds of pipeline param a node's field can take; `null` when any (the field is edited as JSON). */
function kindsFor(field: ParamField): readonly ParamKind[] | null {
  if (field.columns === 'one') return ['column', 'string'];
  if (field.columns === 'many') return ['columns'];
  switch (field.kind) {
    case 'number':
      return field.integer ? ['integer'] : ['number', 'integer'];
    case 'boolean':
      return ['boolean'];
    case 'text':
      return ['string', 'column', 'dataset'];
    case 'enum':
      return ['string'];
    case 'scalar':
      return ['number', 'integer', 'string'];
    case 'text-list':
      return ['columns', 'json'];
    case 'number-list':
      return ['json'];
    case 'json':
      return null;
  }
}

/** A param's kind: the type it was given, else what its value is. */
function kindOf(value: unknown, info: PipelineParamInfo | undefined): ParamKind {
  if (info?.type) return info.type;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return 'columns';
  return 'json';
}

/** Whether the field takes the value: what its node's own schema says, as a run would. */
function fieldTakes(
  definition: AnyNodeDescription,
  field: ParamField,
  nodeParams: Record<string, unknown>,
  pipelineParams: Record<string, unknown>,
  value: unknown,
): string | null {
  return paramErrors(definition, { ...nodeParams, [field.name]: value }, pipelineParams)[field.name] ?? null;
}

/**
 * The pipeline params the `$` menu of a field offers: those of a type the field takes whose value it takes too,
 * so that binding one never turns a valid field into an error.
 */
export function bindableParams(
  definition: AnyNodeDescription,
  field: ParamField,
  nodeParams: Record<string, unknown>,
  pipelineParams: Record<string, unknown>,
  paramInfo: Record<string, PipelineParamInfo>,
): string[] {
  const kinds = kindsFor(field);
  return Object.entries(pipelineParams)
    .filter(([name, value]) => {
      const kind = kindOf(value, paramInfo[name]);
      if (kinds !== null && !kinds.includes(kind) && kind !== 'json') return false;
      return fieldTakes(definition, field, nodeParams, pipelineParams, value) === null;
    })
    .map(([name]) => name);
}

/** The type a new param made from a field starts with; `null` for a field edited as JSON. */
export function typeForField(field: ParamField, value: unknown): PipelineParamType | null {
  if (field.columns === 'one') return 'column';
  if (field.columns === 'many') return 'columns';
  switch (field.kind) {
    case 'number':
      return field.integer ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    case 'text':
      return field.name === 'dataset' ? 'dataset' : 'string';
    case 'enum':
      return 'string';
    case 'scalar':
      return typeof value === 'number' ? 'number' : 'string';
    default:
      return null;
  }
}

/** What a person types as a param's default, shown: a list as `a, b`, JSON for anything richer. */
export function defaultText(type: PipelineParamType | null, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (type === 'columns' && Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type ParsedDefault = { value: unknown; error?: undefined } | { value?: undefined; error: string };

/** Reads a default typed for a param of `type` (`null`: any JSON, plain text reading as text). */
export function parseDefault(type: PipelineParamType | null, text: string): ParsedDefault {
  const trimmed = text.trim();
  switch (type) {
    case 'number':
    case 'integer': {
      const number = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(number)) return { error: `“${text}” is not a number` };
      if (type === 'integer' && !Number.isInteger(number)) return { error: `“${text}” is not a whole number` };
      return { value: number };
    }
    case 'boolean':
      if (trimmed === 'true' || trimmed === 'false') return { value: trimmed === 'true' };
      return { error: 'true or false' };
    case 'column':
    case 'dataset':
      if (trimmed === '') return { error: type === 'column' ? 'name a column' : 'name a dataset' };
      return { value: trimmed };
    case 'columns':
      return {
        value: trimmed
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      };
    case 'string':
      return { value: text };
    case null:
      try {
        return { value: JSON.parse(trimmed) as unknown };
      } catch {
        return { value: text };
      }
  }
}

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a new pipeline param cannot have this name, or `null`. */
export function paramNameProblem(name: string, existing: Record<string, unknown>): string | null {
  if (name === '') return 'give the param a name';
  if (!PARAM_NAME.test(name)) return 'a param name is letters, digits and _, and starts with a letter or _';
  if (Object.hasOwn(existing, name)) return `the pipeline already has a param “${name}”: pick it from the $ menu`;
  if (name in Object.prototype) return `“${name}” is a name every JavaScript object has: choose another`;
  return null;
}

/** Why the field cannot take a param of this type and default, or `null` (nothing to check without a field). */
export function fieldProblem(
  bound: { definition: AnyNodeDescription; field: ParamField; nodeParams: Record<string, unknown> } | null,
  pipelineParams: Record<string, unknown>,
  type: PipelineParamType | null,
  value: unknown,
): { type?: string; value?: string } | null {
  if (!bound) return null;
  const kinds = kindsFor(bound.field);
  if (type !== null && kinds !== null && !kinds.includes(type)) {
    const takes = kinds.filter((kind): kind is PipelineParamType => kind !== 'json');
    return {
      type: `${bound.field.label} takes ${takes.map((kind) => PARAM_TYPE_LABELS[kind].toLowerCase()).join(' or ')}`,
    };
  }
  const problem = fieldTakes(bound.definition, bound.field, bound.nodeParams, pipelineParams, value);
  return problem ? { value: `${bound.field.label}: ${problem}` } : null;
}
