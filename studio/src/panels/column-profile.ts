import type { ColumnInfo } from '@pipewright/nodes/descriptions';

export interface PreviewColumnProfile {
  name: string;
  type: string;
  missingShare: number;
  distinct: number;
  /** Numeric columns: counts in ten equal-width bins. */
  histogram: number[] | null;
  /** Other columns: the most frequent values. */
  top: { value: string; count: number }[];
}

const BINS = 10;

/** A column profile of the rows at hand (the preview's first rows): what a glance at a table should tell. */
export function profileColumns(columns: ColumnInfo[], rows: Record<string, unknown>[]): PreviewColumnProfile[] {
  return columns.map((column) => {
    const values = rows.map((row) => row[column.name]);
    const present = values.filter((value) => value !== null && value !== undefined && value !== '');
    const numbers = present.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
    const numeric = present.length > 0 && numbers.length === present.length;
    let histogram: number[] | null = null;
    if (numeric) {
      const min = Math.min(...numbers);
      const max = Math.max(...numbers);
      histogram = new Array<number>(BINS).fill(0);
      for (const value of numbers) {
        const bin = max === min ? 0 : Math.min(BINS - 1, Math.floor(((value - min) / (max - min)) * BINS));
        histogram[bin] += 1;
      }
    }
    const counts = new Map<string, number>();
    for (const value of present) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
    const top = numeric
      ? []
      : [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 3)
          .map(([value, count]) => ({ value, count }));
    return {
      name: column.name,
      type: column.type,
      missingShare: values.length ? (values.length - present.length) / values.length : 0,
      distinct: counts.size,
      histogram,
      top,
    };
  });
}
