import {
  NodeError,
  pendingTransforms,
  quoteIdent,
  transformSql,
  type ColumnBatch,
  type ColumnInfo,
  type ModelBundle,
  type NodeContext,
  type TableRef,
} from '../../core/index.js';

/** The row number column that keeps the input's order through the transforms. */
export const ROW = 'pipewright_row';

/**
 * Loads the input as table `name` with row numbers, applies the fitted
 * preprocessing the model was trained after that this table has not had
 * (scoring mode: no row dropped), and reads the model's feature columns in
 * the input's order.
 */
export async function modelFeatureBatch(
  ctx: NodeContext,
  model: ModelBundle,
  input: TableRef,
  name: string,
): Promise<ColumnBatch> {
  if (input.columns.some((c) => c.name === ROW)) throw new NodeError(`the table may not have a column named "${ROW}"`);
  await ctx.sql.exec(`CREATE TABLE ${name} AS SELECT row_number() OVER () AS ${ROW}, * FROM ${ctx.sql.from(input)}`);
  const steps = pendingTransforms(model.transforms, input.transforms).flatMap((t) => t.steps);
  const rowColumn: ColumnInfo = { name: ROW, type: 'number', sqlType: 'BIGINT' };
  const prepared = transformSql(steps, name, [rowColumn, ...input.columns], 'score');
  const available = new Set((await ctx.sql.describe(prepared)).map((c) => c.name));
  for (const feature of model.encoding.features) {
    if (!available.has(feature.column)) {
      throw new NodeError(`column "${feature.column}" is missing: the model needs it`, { column: feature.column });
    }
  }
  const featureList = model.encoding.features.map((f) => quoteIdent(f.column)).join(', ');
  return ctx.sql.columns(`SELECT ${featureList} FROM (${prepared}) AS prepared ORDER BY ${ROW}`);
}
