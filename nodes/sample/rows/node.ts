import {
  defineNode,
  quoteIdent,
  requireColumn,
  sameSample,
  sampleSize,
  seededSampleSql,
  tableInput,
} from '../../core/index.js';
import { sampleRowsDescription, pushableSample } from './description.js';

export const sampleRows = defineNode({
  ...sampleRowsDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const wanted = pushableSample(p);
    // The source before this node already read exactly this sample.
    if (wanted && input.sample && sameSample(input.sample, wanted)) {
      const out = await ctx.sql.writeTable('out', `SELECT * FROM ${ctx.sql.from(input)}`, {
        transforms: input.transforms,
      });
      ctx.log(
        `kept ${out.rows} of ${input.sample.estimated ? 'about ' : ''}${input.sample.of} rows` +
          (input.sample.readPart ? ', read by the source without reading all of it' : ''),
      );
      return { out: { ...out, sample: input.sample } };
    }
    const stratum = p.stratify ? quoteIdent(requireColumn(input, p.stratify, 'stratify').name) : undefined;
    const size = sampleSize(
      { fraction: p.rows === undefined ? (p.fraction ?? 0.1) : undefined, rows: p.rows },
      input.rows,
    );
    const out = await ctx.sql.writeTable(
      'out',
      seededSampleSql(`SELECT * FROM ${ctx.sql.from(input)}`, size, input.rows, p.seed, stratum),
      { transforms: input.transforms },
    );
    ctx.log(`kept ${out.rows} of ${input.rows} rows${p.stratify ? `, stratified by "${p.stratify}"` : ''}`);
    const sample = {
      ...(p.rows !== undefined ? { rows: p.rows } : { fraction: p.fraction ?? 0.1 }),
      seed: p.seed,
      kept: out.rows,
      of: input.rows,
      readPart: false,
    };
    return { out: { ...out, sample } };
  },
});
