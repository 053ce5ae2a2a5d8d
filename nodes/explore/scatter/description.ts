import { z } from 'zod';
import { columnParam, columnsParam, type ColumnInfo } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

/** The most columns a scatter matrix draws against each other. */
export const SCATTER_MATRIX_MAX = 6;

const params = z
  .object({
    x: columnParam().optional(),
    y: columnParam().optional(),
    columns: columnsParam().max(SCATTER_MATRIX_MAX).default([]),
    color: columnParam().optional(),
    sample: z.number().int().min(100).max(5000).default(2000),
    seed: z.number().int().default(42),
  })
  .strict();

/** What explore.scatter reports under `scatter`: the sampled points, column by column. */
export interface ScatterReport {
  /** The plotted columns: two for a scatter, up to six for a matrix. */
  plotted: string[];
  color: string | null;
  colorType: ColumnInfo['type'] | null;
  /** Every column kept of each sampled row (plotted and colour first), in `values` order. */
  shown: string[];
  /** values[column][point]; numbers stay numbers, missing is null. */
  values: Record<string, (number | string | boolean | null)[]>;
  /** Each point's row number in the input (1-based). */
  rowNumbers: number[];
  sampleRows: number;
  rows: number;
}

export const exploreScatterDescription = describeNode({
  type: 'explore.scatter',
  version: 1,
  category: 'explore',
  title: 'Scatter',
  description:
    'A scatter of two columns, or a scatter matrix of up to six, from a seeded sample, coloured by a column.',
  docs: {
    summary:
      'Draws `y` against `x` (or every pair of `columns`, up to six, as a scatter matrix) from a seeded sample of ' +
      'at most `sample` rows, each point coloured by the `color` column (categories get a colour each, numbers a ' +
      'scale). The studio shows the sample size; drag over a region to list the rows of the points inside it.',
    params: {
      x: 'Column on the horizontal axis (with `y`). Default: the first numeric column.',
      y: 'Column on the vertical axis. Default: the second numeric column.',
      columns: 'Up to six numeric columns for a scatter matrix instead of `x` and `y`.',
      color: 'Column whose value colours each point (optional).',
      sample: 'Most points to draw, 100 to 5,000 (default 2,000): a seeded sample of the rows above that.',
      seed: 'Seed of that sample.',
    },
    example:
      '{ "type": "explore.scatter", "params": { "x": "bill_length_mm", "y": "bill_depth_mm", "color": "species" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
