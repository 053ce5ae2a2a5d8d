import { z } from 'zod';
import { columnParam, type RowSample } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    fraction: z.number().gt(0).max(1).optional(),
    rows: z.number().int().min(1).optional(),
    stratify: columnParam().optional(),
    seed: z.number().int().default(42),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.fraction !== undefined && p.rows !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['rows'], message: 'give a fraction or a number of rows, not both' });
    }
  });

/** The simple sample these params ask for, which a source before this node may read itself; none when stratified. */
export function pushableSample(p: z.infer<typeof params>): RowSample | undefined {
  if (p.stratify !== undefined) return undefined;
  return p.rows !== undefined ? { rows: p.rows, seed: p.seed } : { fraction: p.fraction ?? 0.1, seed: p.seed };
}

export const sampleRowsDescription = describeNode({
  type: 'sample.rows',
  version: 1,
  category: 'sample',
  title: 'Sample rows',
  description: 'Keep a seeded sample of the rows: a fraction or a number of them, simple or stratified.',
  docs: {
    summary:
      'Keeps `fraction` of the rows (rounded down) or `rows` of them, chosen by a seeded hash of the row number: the ' +
      'same table and seed keep the same rows, in their original order. With `stratify`, every value of that column ' +
      'keeps its share to within one row. The node says how many rows it kept of how many. When it is the only ' +
      'reader of a Parquet source, a simple sample is read by the source itself: it reads about eight times the ' +
      'rows it keeps, in at most 32 runs of neighbouring rows placed by the seed, and DuckDB skips the rest of the ' +
      'file (rows next to each other in the file are then more likely to be kept together than in a sample of the ' +
      'whole table). A stratified sample, or one of more than an eighth of the rows, reads everything. After a ' +
      '`source.postgres` whose query reads one table, PostgreSQL samples it (`TABLESAMPLE SYSTEM`, whole pages ' +
      'chosen by the seed): `rows` keeps exactly that many, a `fraction` keeps about that share (the pages’ rows) ' +
      'and the total is estimated ("kept N of about M rows"); see source.postgres for the queries that cannot be.',
    params: {
      fraction: 'Share of rows to keep, above 0 and at most 1. Default 0.1 when `rows` is not given.',
      rows: 'Number of rows to keep instead of a fraction (all of them when the table has fewer).',
      stratify: 'A column (usually the label) whose value shares the sample keeps.',
      seed: 'Any whole number; change it for a different sample.',
    },
    example: '{ "type": "sample.rows", "params": { "rows": 10000, "stratify": "label", "seed": 7 } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
  sampleToPush: pushableSample,
});
