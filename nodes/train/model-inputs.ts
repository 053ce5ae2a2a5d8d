import type { ColumnInfo, FittedTransform } from '../core/values.js';

/**
 * The raw columns a row must provide for a model whose trainer saw
 * `features`: the features themselves, except that columns a fitted one-hot
 * step made (`sex_FEMALE`) lead back to the column it encoded (`sex`).
 */
export function rawInputColumns(features: ColumnInfo[], transforms: FittedTransform[]): ColumnInfo[] {
  let columns = features;
  for (const transform of [...transforms].reverse()) {
    for (const step of [...transform.steps].reverse()) {
      if (step.op !== 'onehot') continue;
      const made = new Set([
        ...step.categories.map((c) => `${step.column}_${c}`),
        ...(step.other ? [`${step.column}_other`] : []),
      ]);
      if (!columns.some((c) => made.has(c.name))) continue;
      const rest = columns.filter((c) => !made.has(c.name));
      columns = rest.some((c) => c.name === step.column)
        ? rest
        : [...rest, { name: step.column, type: 'string', sqlType: 'VARCHAR' }];
    }
  }
  return columns;
}
