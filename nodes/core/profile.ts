import type { LogicalType } from './values.js';

/**
 * What explore.profile puts on its `metrics` port (under `profile`): one
 * entry per column. The studio renders it; numbers are plain JSON numbers,
 * null where a statistic does not apply (text columns) or has no value (an
 * all-missing column).
 */
export interface TableProfile {
  /** Rows in the table. */
  rows: number;
  columns: ColumnProfile[];
}

export interface ColumnProfile {
  name: string;
  type: LogicalType;
  /** The DuckDB type, e.g. DOUBLE, VARCHAR. */
  sqlType: string;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** Distinct non-missing values. */
  distinct: number;
  /** Smallest and largest value: numbers for numeric columns, text otherwise (dates as ISO text). */
  min: number | string | boolean | null;
  max: number | string | boolean | null;
  /** Numeric columns only. */
  mean: number | null;
  /** Sample standard deviation (n − 1), numeric columns only. */
  std: number | null;
  /** Linear-interpolation quantiles (as numpy's default) of numeric columns, keyed "p5", "p25", "p50", "p75", "p95". */
  quantiles: Record<string, number> | null;
  /** The most frequent values, most frequent first (ties: smaller value first). */
  top: { value: string | number | boolean; count: number }[];
  /** Equal-width histogram of numeric columns: `edges` has one more entry than `counts`. */
  histogram: { edges: number[]; counts: number[] } | null;
}

/** The quantiles explore.profile reports, as fractions and their keys. */
export const PROFILE_QUANTILES: readonly { key: string; at: number }[] = [
  { key: 'p5', at: 0.05 },
  { key: 'p25', at: 0.25 },
  { key: 'p50', at: 0.5 },
  { key: 'p75', at: 0.75 },
  { key: 'p95', at: 0.95 },
];
