import { z } from 'zod';
import {
  columnParam,
  defineNode,
  fittedNodePorts,
  finiteOrNull,
  NodeError,
  numericColumns,
  quoteIdent,
  tableInput,
  writeFittedOutputs,
} from '../../core/index.js';

const params = z
  .object({
    column: columnParam(),
    bins: z.number().int().min(2).max(1000).default(5),
    method: z.enum(['equal-width', 'quantile']).default('equal-width'),
  })
  .strict();

export const featureBin = defineNode({
  type: 'feature.bin',
  version: 1,
  category: 'feature',
  title: 'Bin',
  description:
    'Replace a numeric column with its bin number (equal-width or quantile), learning the edges from this table.',
  docs: {
    summary:
      'Cuts a numeric column into `bins` intervals and replaces each value with its interval’s number, 0 for the ' +
      'lowest. equal-width: intervals of the same width between the column’s min and max; quantile: intervals ' +
      'holding about the same number of rows (edges that coincide merge, so there may be fewer bins). A value equal ' +
      'to an edge goes to the upper interval. The edges travel with the model; values beyond them, in test rows or ' +
      'live requests, go to the first or last bin. Missing values stay missing.',
    params: {
      column: 'The numeric column to bin.',
      bins: 'How many intervals (default 5).',
      method: 'equal-width (default) or quantile.',
    },
    example: '{ "type": "feature.bin", "params": { "column": "age", "bins": 4, "method": "quantile" } }',
  },
  ...fittedNodePorts,
  params,
  queue: 'cpu',
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const [column] = numericColumns(input, [p.column], 'column');
    const source = ctx.sql.from(input);
    const x = `CAST(${quoteIdent(column.name)} AS DOUBLE)`;
    const at = Array.from({ length: p.bins + 1 }, (_, i) => i / p.bins);
    const select =
      p.method === 'quantile'
        ? at.map((q, i) => `quantile_cont(${x}, ${q}) AS e${i}`)
        : at.map((q, i) => `min(${x}) + (max(${x}) - min(${x})) * ${q} AS e${i}`);
    const [row] = await ctx.sql.all(`SELECT ${select.join(', ')} FROM ${source}`);
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
