import { NodeError } from '../core/errors.js';
import { quoteIdent, requireColumn, tableInput } from '../core/index.js';
import type { ColumnBatch, NodeContext, NodeInputs } from '../core/define-node.js';
import type { ColumnInfo, ModelTask, TableRef } from '../core/values.js';

export interface TrainingTable {
  input: TableRef;
  label?: ColumnInfo;
  features: ColumnInfo[];
  /** The feature columns, then the label (when there is one). */
  batch: ColumnBatch;
}

/**
 * Reads what a trainer learns from: checks that the label and every feature
 * exist (naming the param and column when not), that the label is not a
 * feature too, and that the table has rows. `features` empty means every
 * column but the label.
 */
export async function readTrainingTable(
  ctx: NodeContext,
  inputs: NodeInputs,
  params: { label?: string; features: string[] },
): Promise<TrainingTable> {
  const input = tableInput(inputs);
  const label = params.label === undefined ? undefined : requireColumn(input, params.label, 'label');
  const names = params.features.length
    ? params.features
    : input.columns.map((c) => c.name).filter((n) => n !== label?.name);
  const features = names.map((name) => requireColumn(input, name, 'features'));
  if (label && features.some((f) => f.name === label.name)) {
    throw new NodeError(`the label "${label.name}" cannot also be a feature`, {
      param: 'features',
      column: label.name,
    });
  }
  if (features.length === 0) {
    throw new NodeError(label ? 'there are no feature columns besides the label' : 'the table has no columns', {
      param: 'features',
    });
  }
  if (input.rows === 0) throw new NodeError('the table is empty: there are no rows to train on');
  const columns = [...features, ...(label ? [label] : [])].map((c) => quoteIdent(c.name)).join(', ');
  const batch = await ctx.sql.columns(`SELECT ${columns} FROM ${ctx.sql.from(input)}`);
  return { input, label, features, batch };
}

export interface RegressionTargets {
  /** Rows that have a label, as indices into the batch. */
  rows: Int32Array;
  values: Float64Array;
}

/** The label as numbers; rows without one are left out. */
export function regressionTargets(batch: ColumnBatch, label: string): RegressionTargets {
  const index = batch.columns.findIndex((c) => c.name === label);
  const values = batch.values[index];
  if (!(values instanceof Float64Array)) {
    throw new NodeError(
      `label "${label}" holds ${batch.columns[index].type} values; a regressor predicts numbers (set task to classification for classes)`,
      { param: 'label', column: label },
    );
  }
  const rows: number[] = [];
  for (let row = 0; row < batch.rowCount; row++) if (!Number.isNaN(values[row])) rows.push(row);
  if (rows.length < 2) {
    throw new NodeError(`label "${label}" has ${rows.length} values; a regressor needs at least two`, {
      param: 'label',
      column: label,
    });
  }
  return { rows: Int32Array.from(rows), values: Float64Array.from(rows, (row) => values[row]) };
}

/** The most distinct whole numbers a numeric label may have and still be taken for classes by `task: auto`. */
export const AUTO_MAX_CLASSES = 20;

export type TaskParam = 'auto' | 'classification' | 'regression';

/**
 * `auto`: text and boolean labels are classes; numbers are classes when
 * they are whole and take at most AUTO_MAX_CLASSES values, else regression.
 */
export function resolveTask(task: TaskParam, batch: ColumnBatch, label: string): Exclude<ModelTask, 'clustering'> {
  if (task !== 'auto') return task;
  const index = batch.columns.findIndex((c) => c.name === label);
  const values = batch.values[index];
  if (!(values instanceof Float64Array)) return 'classification';
  const distinct = new Set<number>();
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) return 'regression';
    distinct.add(v);
    if (distinct.size > AUTO_MAX_CLASSES) return 'regression';
  }
  return 'classification';
}
