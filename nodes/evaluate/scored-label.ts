import { NodeError, requireColumn, type ColumnInfo, type TableRef } from '../core/index.js';

/**
 * The column with the true values of a scored table: the `label` param, or
 * else the label evaluate.score recorded on the table. `truth` names what it
 * holds in the error ("true-class", "true-value").
 */
export function scoredLabelColumn(input: TableRef, label: string | undefined, truth: string): ColumnInfo {
  const name = label ?? input.scoring?.label;
  if (!name) {
    throw new NodeError(`set label: this table was not scored by evaluate.score, so the ${truth} column is unknown`, {
      param: 'label',
    });
  }
  return requireColumn(input, name, label ? 'label' : undefined);
}
