import {
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  stepColumns,
  tableInput,
  writeFittedOutputs,
  type ColumnInfo,
  type TransformStep,
} from '../../core/index.js';
import { featureOnehotDescription } from './description.js';

/** Integer and text columns compare the same as text in SQL and in a JSON row; fractional numbers would not. */
const EXACT_NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

export const featureOnehot = defineNode({
  ...featureOnehotDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const columns = chooseColumns(input.columns, p.columns);
    const source = ctx.sql.from(input);
    const steps: TransformStep[] = [];
    const taken = new Set(input.columns.map((c) => c.name));
    for (const column of columns) {
      const name = quoteIdent(column.name);
      const rows = await ctx.sql.all(
        `SELECT CAST(${name} AS VARCHAR) AS category, count(*) AS n FROM ${source} WHERE ${name} IS NOT NULL
         GROUP BY 1 ORDER BY n DESC, category`,
      );
      const other = rows.length > p.maxCategories;
      const categories = rows
        .slice(0, p.maxCategories)
        .map((r) => String(r.category))
        .sort();
      const step: TransformStep = { op: 'onehot', column: column.name, categories, other };
      taken.delete(column.name);
      for (const added of stepColumns(step).adds) {
        if (taken.has(added)) {
          throw new NodeError(`encoding "${column.name}" would add column "${added}", which the table already has`, {
            param: 'columns',
            column: column.name,
          });
        }
        taken.add(added);
      }
      steps.push(step);
      if (other)
        ctx.log(`column "${column.name}": ${rows.length} categories, kept the ${p.maxCategories} most frequent`);
    }
    const { out, transform } = await writeFittedOutputs(ctx, input, 'feature.onehot', steps);
    ctx.log(`encoded ${steps.length} columns into ${out.columns.length - input.columns.length + steps.length} columns`);
    return { out, transform };
  },
});

function chooseColumns(all: ColumnInfo[], named: string[]): ColumnInfo[] {
  if (named.length === 0) return all.filter((c) => c.type === 'string');
  return named.map((name) => {
    const column = requireColumn({ columns: all }, name, 'columns');
    const fits = column.type === 'string' || column.type === 'boolean' || EXACT_NUMBER_TYPES.test(column.sqlType);
    if (!fits) {
      throw new NodeError(
        `column "${name}" holds ${column.sqlType} values; one-hot encoding takes text, true/false or whole numbers (bin it with feature.bin first)`,
        { param: 'columns', column: name },
      );
    }
    return column;
  });
}
