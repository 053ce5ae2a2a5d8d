import { z } from 'zod';

/**
 * A param that names columns of the node's input table says so on its own
 * schema, so the studio offers a picker of the upstream columns for it (and
 * a list picker where it takes several) without a list of param names
 * written anywhere else. The mark is a JSON Schema keyword the form reads.
 */
export const COLUMN_PARAM_KEYWORD = 'x-pipewright-column';

/** `one`: the param names one column; `many`: a list of columns. */
export type ColumnParamKind = 'one' | 'many';

/** A param naming one column of the input table. */
export function columnParam() {
  return z
    .string()
    .min(1)
    .meta({ [COLUMN_PARAM_KEYWORD]: 'one' satisfies ColumnParamKind });
}

/** A param naming a list of columns of the input table. */
export function columnsParam() {
  return z.array(z.string().min(1)).meta({ [COLUMN_PARAM_KEYWORD]: 'many' satisfies ColumnParamKind });
}

/** Whether a param's JSON Schema (as `paramsJsonSchema` writes it) marks it as naming columns, and how many. */
export function columnParamKind(property: Record<string, unknown> | undefined): ColumnParamKind | undefined {
  const mark = property?.[COLUMN_PARAM_KEYWORD];
  return mark === 'one' || mark === 'many' ? mark : undefined;
}
