import { describe, expect, it } from 'vitest';
import { encodeCompact, fitEncoding } from '../../../nodes/train/feature-encoding.js';
import { classLabels } from '../../../nodes/train/class-labels.js';
import { applyBins, fitBins } from '../../../nodes/train/histogram/binned-features.js';
import { growForestTree, type ForestShared } from '../../../nodes/train/forest/forest-kernel.js';
import { loadSplit, readTable } from './testing.js';
import { runnableModule, workerThreadPool } from './thread-pool.js';

const kernel = {
  module: new URL('../../../nodes/train/forest/forest-kernel.ts', import.meta.url).href,
  name: 'growForestTree',
};

async function penguinForest(): Promise<ForestShared> {
  const { train } = await loadSplit('penguins');
  const rows = await readTable(train);
  const names = Object.keys(rows[0]).filter((name) => name !== 'species');
  const batch = {
    columns: Object.keys(rows[0]).map((name) => {
      const numeric = typeof rows.find((r) => r[name] !== null)?.[name] === 'number';
      return {
        name,
        type: numeric ? ('number' as const) : ('string' as const),
        sqlType: numeric ? 'DOUBLE' : 'VARCHAR',
      };
    }),
    rowCount: rows.length,
    values: Object.keys(rows[0]).map((name) =>
      typeof rows.find((r) => r[name] !== null)?.[name] === 'number'
        ? Float64Array.from(rows, (r) => (r[name] === null ? Number.NaN : (r[name] as number)))
        : rows.map((r) => r[name] as string | null),
    ),
  };
  const { rows: labelled, targets, classes } = classLabels(batch, 'species');
  const encoding = fitEncoding(batch, names, labelled, { standardize: false });
  const compact = encodeCompact(encoding, batch, labelled);
  return {
    binned: applyBins(fitBins(encoding, compact, undefined), compact),
    width: encoding.width,
    targets,
    classCount: classes.length,
    maxDepth: Infinity,
    minSamplesLeaf: 1,
    maxFeatures: 3,
    seed: 4,
  };
}

describe('worker thread pool', () => {
  it('grows on two threads the very trees one thread grows, in task order', async () => {
    const shared = await penguinForest();
    const pool = workerThreadPool(new AbortController().signal, 2);
    expect(pool?.size).toBe(2);
    const done: number[] = [];
    const tasks = Array.from({ length: 12 }, (_, t) => t);
    const threaded = await pool?.map(kernel, shared, tasks, (count) => void done.push(count));
    expect(done).toEqual(tasks.map((t) => t + 1));
    expect(threaded).toEqual(tasks.map((t) => growForestTree(shared, t)));
    // Different trees for different indices: the order is really kept, not one tree repeated.
    expect(threaded?.[0]).not.toEqual(threaded?.[1]);
  });

  it('names the kernel when it fails, and stops when the job is cancelled', async () => {
    const shared = await penguinForest();
    const pool = workerThreadPool(new AbortController().signal, 2);
    await expect(pool?.map(kernel, { ...shared, binned: null }, [0, 1])).rejects.toThrow(/growForestTree/);
    const controller = new AbortController();
    const cancelled = workerThreadPool(controller.signal, 2);
    const running = cancelled?.map(
      kernel,
      shared,
      Array.from({ length: 500 }, (_, t) => t),
    );
    setTimeout(() => controller.abort(), 50);
    await expect(running).rejects.toThrow(/cancel/i);
  });

  it('is none for one thread, and loads the compiled twin of a kernel the tests run from source', () => {
    expect(workerThreadPool(new AbortController().signal, 1)).toBeUndefined();
    expect(runnableModule(kernel.module)).toMatch(/\/nodes\/dist\/train\/forest\/forest-kernel\.js$/);
    expect(runnableModule('file:///somewhere/kernel.js')).toBe('file:///somewhere/kernel.js');
    expect(runnableModule('file:///nowhere/nodes/kernel.ts')).toBeUndefined();
  });
});
