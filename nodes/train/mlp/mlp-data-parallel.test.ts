import { afterEach, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../core/index.js';
import { loadSplit, loadTensorFlow, NodeRunError, runNodeForTest, testMetrics } from '@pipewright/server/testing';

/** Batches of 256 rows: 128 a thread on two threads, and 22 Adam steps an epoch of telco_churn's 5,634 rows. */
const PARAMS = { label: 'churn', batchSize: 256, epochs: 8, validationFraction: 0.1, seed: 3 };
const threadsBefore = process.env.PIPEWRIGHT_THREADS;

/** Runs with the worker's thread pool set to `threads` (PIPEWRIGHT_THREADS, as a worker reads it). */
async function trainOn(threads: number, params: Record<string, unknown> = PARAMS, signal?: AbortSignal) {
  process.env.PIPEWRIGHT_THREADS = String(threads);
  const { train } = await loadSplit('telco_churn');
  return runNodeForTest('train.mlp', params, { in: train }, signal ? { signal } : {});
}

describe('train.mlp, data-parallel on worker threads', () => {
  afterEach(() => {
    if (threadsBefore === undefined) delete process.env.PIPEWRIGHT_THREADS;
    else process.env.PIPEWRIGHT_THREADS = threadsBefore;
  });

  it('trains on two threads as well as on one, the same model for the same seed, reporting every epoch', async () => {
    const { tf, backend } = await loadTensorFlow({ log: () => undefined });
    // Threads compute with TensorFlow.js where its kernels run in the calling thread (wasm).
    if (backend !== 'wasm') return;
    const before = tf.memory().numTensors;
    const parallel = await trainOn(2);
    expect(parallel.logs.some((l) => l.message.endsWith('(data-parallel on 2 threads)'))).toBe(true);
    const epochs = parallel.progress.filter((p) => p.detail.epoch !== undefined);
    expect(epochs[0].detail).toMatchObject({
      epoch: 1,
      epochs: 8,
      loss: expect.any(Number),
      valLoss: expect.any(Number),
    });
    expect(epochs.at(-1)?.detail.loss).toBeLessThan(epochs[0].detail.loss as number);
    expect(tf.memory().numTensors).toBe(before);

    const again = await trainOn(2);
    expect((again.outputs.model as ModelBundle).state).toEqual((parallel.outputs.model as ModelBundle).state);

    // One thread (the default where PIPEWRIGHT_THREADS asks for none) trains these rows with the same flat step.
    const single = await trainOn(1);
    expect(single.logs.some((l) => l.message.includes('data-parallel'))).toBe(false);
    const singleEpochs = single.progress.filter((p) => p.detail.epoch !== undefined);
    expect(singleEpochs[0].detail).toMatchObject({ epoch: 1, epochs: 8, valLoss: expect.any(Number) });
    expect(singleEpochs.at(-1)?.detail.loss).toBeLessThan(singleEpochs[0].detail.loss as number);
    expect(tf.memory().numTensors).toBe(before);
    const { test } = await loadSplit('telco_churn');
    const parallelMetrics = await testMetrics(parallel.outputs.model as ModelBundle, test);
    const singleMetrics = await testMetrics(single.outputs.model as ModelBundle, test);
    // scikit-learn's MLP scores about 0.80 here; the two ways of summing the gradients agree to a row or two in a hundred.
    expect(parallelMetrics.accuracy).toBeGreaterThan(0.77);
    expect(Math.abs((parallelMetrics.accuracy as number) - (singleMetrics.accuracy as number))).toBeLessThanOrEqual(
      0.02,
    );
  });

  it('stops its threads when cancelled, leaving no tensor behind', async () => {
    const { tf, backend } = await loadTensorFlow({ log: () => undefined });
    if (backend !== 'wasm') return;
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const error = await trainOn(2, { ...PARAMS, epochs: 10_000, patience: 1000 }, controller.signal).catch((e) => e);
    expect(error).toBeInstanceOf(NodeRunError);
    expect(error.cancelled).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
