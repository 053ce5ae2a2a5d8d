import {
  defineNode,
  finiteOrNull,
  NodeError,
  numericColumns,
  quantilesSelect,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
} from '../../core/index.js';
import { featureBinDescription } from './description.js';

export const featureBin = defineNode({
  ...featureBinDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const [column] = numericColumns(input, [p.column], 'column');
    const source = ctx.sql.from(input);
    const x = `CAST(${quoteIdent(column.name)} AS DOUBLE)`;
    const at = Array.from({ length: p.bins + 1 }, (_, i) => i / p.bins);
    const quantiles = quantilesSelect([x], at, [at.map((_, i) => `e${i}`)]);
    const [row] = await ctx.sql.all(
      p.method === 'quantile'
        ? quantiles.wrap(`SELECT ${quantiles.aggregates.join(', ')} FROM ${source}`)
        : `SELECT ${at.map((q, i) => `min(${x}) + (max(${x}) - min(${x})) * ${q} AS e${i}`).join(', ')} FROM ${source}`,
    );
    const raw = at.map((_, i) => finiteOrNull(row[`e${i}`]));
    if (raw.some((edge) => edge === null)) {
      throw new NodeError(`column "${column.name}" has no values to bin`, { param: 'column', column: column.name });
    }
    const edges = (raw as number[]).filter((edge, i, all) => i === 0 || edge > all[i - 1]);
    if (edges.length < 2) {
      throw new NodeError(`column "${column.name}" holds a single value (${edges[0]}); there is nothing to bin`, {
        param: 'column',
        column: column.name,
      });
    }
    const steps = [{ op: 'bin' as const, column: column.name, edges }];
    const { out, transform } = await writeFittedOutputs(ctx, input, 'feature.bin', steps);
    ctx.log(
      `binned "${column.name}" into ${edges.length - 1} bins (${p.method}): edges ${edges.map((e) => +e.toPrecision(6)).join(', ')}`,
    );
    return { out, transform };
  },
});
