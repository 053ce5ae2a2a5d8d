import { z } from 'zod';
import { columnParam, columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    columns: columnsParam().default([]),
    method: z.enum(['both', 'pearson', 'spearman']).default('both'),
    label: columnParam().optional(),
    top: z.number().int().min(1).max(100).default(10),
    sampleAbove: z.number().int().min(1000).default(1_000_000),
    seed: z.number().int().default(42),
  })
  .strict();

/** One pair of numeric columns and how they move together. */
export interface CorrelationPair {
  a: string;
  b: string;
  pearson: number | null;
  spearman: number | null;
}

/** How one column goes with the label: a correlation between numbers, Cramér's V otherwise. */
export interface LabelAssociation {
  column: string;
  measure: 'pearson' | 'spearman' | 'cramersV';
  value: number | null;
}

/** What explore.correlation reports under `correlation`. */
export interface CorrelationReport {
  columns: string[];
  pearson: (number | null)[][] | null;
  spearman: (number | null)[][] | null;
  strongest: CorrelationPair[];
  label: string | null;
  association: LabelAssociation[];
  /** How many rows the figures come from, and of how many (a seeded sample above `sampleAbove`). */
  sampleRows: number;
  rows: number;
}

export const exploreCorrelationDescription = describeNode({
  type: 'explore.correlation',
  version: 1,
  category: 'explore',
  title: 'Correlation',
  description: 'Pearson and Spearman correlation matrices of the numeric columns, the strongest pairs, and the label.',
  docs: {
    summary:
      'Measures how the numeric columns move together: the Pearson correlation (linear) and the Spearman rank ' +
      'correlation (any monotonic relation; ties get their average rank) of every pair, over the rows where both ' +
      'values are present, computed by DuckDB in one query. The `top` pairs with the largest absolute correlation ' +
      'are listed first. With a `label`, every column is measured against it: a correlation when both are numbers, ' +
      'Cramér’s V (0: unrelated, 1: one decides the other) when either is a category, numbers then cut into ten ' +
      'equal-count bins. Above `sampleAbove` rows the figures come from a seeded sample of that many rows, and the ' +
      'output says so (`sampleRows` of `rows`). The studio draws the matrix as a heatmap with the values on hover.',
    params: {
      columns: 'Columns to correlate. Empty: every column but the label (text columns only count against the label).',
      method: 'Which matrices to compute: `both` (default), `pearson` or `spearman`.',
      label: 'A column to measure every other column against (optional).',
      top: 'How many of the strongest pairs to list (default 10).',
      sampleAbove: 'Above this many rows, use a seeded sample of this many rows (default 1,000,000).',
      seed: 'Seed of that sample.',
    },
    example: '{ "type": "explore.correlation", "params": { "label": "species", "method": "both" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
