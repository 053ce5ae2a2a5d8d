import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runNodeForTest } from '@pipewright/server/testing';
import type { TableRef, TransformStep } from './index.js';

/** 250,000 rows: `a` spread over 0…1000, `b` the same with every tenth value missing. */
const ROWS = 250_000;
const dir = mkdtempSync(join(tmpdir(), 'pipewright-fitted-quantiles-'));
let long: TableRef;
let short: TableRef;
const a: number[] = [];
const b: number[] = [];

/** Quantile `p` of sorted values, by linear interpolation (NumPy's default, DuckDB's quantile_cont). */
function quantile(sorted: number[], p: number): number {
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (at - lo);
}

async function csvTable(name: string, rows: number): Promise<TableRef> {
  const lines = ['a,b'];
  for (let i = 0; i < rows; i++) lines.push(`${a[i]},${i % 10 === 0 ? '' : b[i]}`);
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  const run = await runNodeForTest('source.csv', { path: name }, {}, { dataDirs: [dir] });
  return run.outputs.out as TableRef;
}

beforeAll(async () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < ROWS; i++) {
    a.push(Math.round(next() * 1_000_000) / 1000);
    b.push(Math.round(next() ** 2 * 1_000_000) / 1000);
  }
  long = await csvTable('long.csv', ROWS);
  short = await csvTable('short.csv', 200_000);
});

const exact = (values: number[], rows: number, p: number, skipMissing = false) =>
  quantile(
    values
      .slice(0, rows)
      .filter((_, i) => !skipMissing || i % 10 !== 0)
      .sort((x, y) => x - y),
    p,
  );

function stepOf(run: Awaited<ReturnType<typeof runNodeForTest>>, column: string): TransformStep | undefined {
  const transform = run.outputs.transform;
  return transform?.kind === 'transform'
    ? transform.transform.steps.find((s) => 'column' in s && s.column === column)
    : undefined;
}

describe('quantiles fitted on more than 200,000 rows', () => {
  it('fill medians from a sample, close to the exact ones, and the log says so', async () => {
    const run = await runNodeForTest('clean.missing', { strategy: 'median', columns: ['b'] }, { in: long });
    const step = stepOf(run, 'b');
    expect(step?.op === 'impute' && typeof step.value === 'number').toBe(true);
    const value = step?.op === 'impute' ? (step.value as number) : Number.NaN;
    const median = exact(b, ROWS, 0.5, true);
    expect(value).not.toBe(median);
    expect(Math.abs(value - median)).toBeLessThan(5);
    expect(run.logs.map((l) => l.message).join('\n')).toMatch(
      /filled 25000 missing cells in 1 columns \(median\); the medians from a sample of 1\d\d,\d\d\d of 250,000 rows \(tables over 200,000 rows are sampled\)$/,
    );
  });

  it('clip to IQR bounds from a sample, and the log says so; 200,000 rows are fitted exactly', async () => {
    const run = await runNodeForTest('clean.outliers', { columns: ['a', 'b'], method: 'iqr' }, { in: long });
    const step = stepOf(run, 'b');
    const [q1, q3] = [exact(b, ROWS, 0.25, true), exact(b, ROWS, 0.75, true)];
    expect(step?.op === 'clip' && Math.abs(step.max - (q3 + 1.5 * (q3 - q1)))).toBeLessThan(10);
    expect(run.logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(/^the quartiles from a sample of 1\d\d,\d\d\d of 250,000 rows/),
    );

    const exactRun = await runNodeForTest('clean.outliers', { columns: ['a', 'b'], method: 'iqr' }, { in: short });
    const fitted = stepOf(exactRun, 'a');
    const [s1, s3] = [exact(a, 200_000, 0.25), exact(a, 200_000, 0.75)];
    expect(fitted?.op === 'clip' && fitted.min).toBeCloseTo(s1 - 1.5 * (s3 - s1), 9);
    expect(fitted?.op === 'clip' && fitted.max).toBeCloseTo(s3 + 1.5 * (s3 - s1), 9);
    expect(exactRun.logs.map((l) => l.message).join('\n')).not.toMatch(/sample/);
  });

  it('scale robustly by a sampled median and IQR, and the log says so', async () => {
    const run = await runNodeForTest('feature.scale', { columns: ['a'], method: 'robust' }, { in: long });
    const step = stepOf(run, 'a');
    expect(step?.op === 'scale' && Math.abs(step.center - exact(a, ROWS, 0.5))).toBeLessThan(5);
    expect(run.logs.map((l) => l.message)).toContainEqual(
      expect.stringMatching(
        /^scaled 1 columns \(robust\); the medians and quartiles from a sample of 1\d\d,\d\d\d of 250,000 rows/,
      ),
    );
  });
});
