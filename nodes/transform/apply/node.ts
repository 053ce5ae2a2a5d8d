import { defineNode, NodeError, stepColumns, tableInput, transformSql } from '../../core/index.js';
import { transformApplyDescription } from './description.js';

export const transformApply = defineNode({
  ...transformApplyDescription,
  async run(ctx, inputs) {
    const value = inputs.transform;
    if (value?.kind !== 'transform') throw new NodeError('input "transform" needs a fitted transform');
    const { transform } = value;
    const input = tableInput(inputs);
    const already = input.transforms.some((t) => t.id === transform.id);
    const steps = already ? [] : transform.steps;
    const present = new Set(input.columns.map((c) => c.name));
    for (const step of steps) {
      // Earlier steps may add columns (one-hot): only a column no step adds must be in the table.
      const { reads, adds, removes } = stepColumns(step);
      for (const column of reads) {
        if (!present.has(column)) {
          throw new NodeError(
            `the transform fitted by "${transform.nodeId}" (${transform.nodeType}) works on column "${column}", which this table lacks`,
            { column },
          );
        }
      }
      if (removes !== undefined) present.delete(removes);
      for (const column of adds) present.add(column);
    }
    const out = await ctx.sql.writeTable('out', transformSql(steps, ctx.sql.from(input), input.columns, 'score'), {
      transforms: already ? input.transforms : [...input.transforms, transform],
      lazy: true,
    });
    ctx.log(
      already
        ? `the table already had the transform of "${transform.nodeId}"; passed it through`
        : `applied ${transform.steps.length} steps of "${transform.nodeId}" (${transform.nodeType}) to ${out.rows} rows`,
    );
    return { out };
  },
});
