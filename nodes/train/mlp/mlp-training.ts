import type { ThreadPool } from '../../core/define-node.js';
import type { Tensor, TensorFlowApi } from '../../core/tensorflow.js';
import { seededRandom, shuffleInPlace } from '../cross-validation.js';
import { localMlpReplica, MIN_SHARD_ROWS, startMlpReplicas, type MlpReplicas } from './mlp-data-parallel.js';
import type { MlpActivation, MlpLayer } from './mlp-model.js';

export interface MlpTrainingSet {
  /** rows × width, row-major. */
  x: Float32Array;
  /** rows × outputs: one-hot classes, or the standardised target. */
  y: Float32Array;
  rows: number;
}

export interface MlpTrainingOptions {
  width: number;
  outputs: number;
  loss: 'crossEntropy' | 'squared';
  hidden: number[];
  activation: MlpActivation;
  dropout: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty α as scikit-learn's MLP adds it: α/(2·batch)·‖W‖². */
  l2: number;
  /** Epochs without an improvement of the watched loss (validation when given, else training) before stopping. */
  patience: number;
  seed: number;
  validation?: MlpTrainingSet;
  onEpoch?(epoch: number, loss: number, valLoss: number | undefined): void | Promise<void>;
  signal?: AbortSignal;
  /** Worker threads: with TensorFlow.js on them, large enough batches train data-parallel (mlp-data-parallel.ts). */
  threads?: ThreadPool;
}

export interface MlpTrainingResult {
  layers: MlpLayer[];
  /** Epochs run (fewer than asked when stopped early). */
  epochsRun: number;
  /** The epoch whose weights were kept (the best validation loss). */
  bestEpoch: number;
  loss: number;
  valLoss?: number;
  /** Threads it trained on: more than one when data-parallel. */
  threads: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
/** An improvement smaller than this does not reset the patience count (scikit-learn's tol). */
const TOLERANCE = 1e-4;

/**
 * From this many Adam steps an epoch, training takes mlp-data-parallel.ts's
 * flat step (fewer kernels, Adam in JavaScript; on worker threads where the
 * pool offers them): 1.4× the samples/s of the tensor step here on 200,000
 * rows. Below it (small tables, such as the reference datasets) the tensor
 * step trains, as before: there a step is a few small kernels either way,
 * and threads would cost more to start than they save.
 */
const FLAT_STEP_FROM_STEPS = 8;

/** The threads to train on, where there are some and the batches are large enough to share out. */
function dataParallelPool(
  train: MlpTrainingSet,
  options: MlpTrainingOptions,
): (ThreadPool & Required<Pick<ThreadPool, 'withTensorFlow'>>) | undefined {
  const pool = options.threads;
  if (!pool?.withTensorFlow || pool.size < 2) return undefined;
  if (options.batchSize / pool.size < MIN_SHARD_ROWS) return undefined;
  if (train.rows < options.batchSize * FLAT_STEP_FROM_STEPS) return undefined;
  return pool as ThreadPool & Required<Pick<ThreadPool, 'withTensorFlow'>>;
}

/**
 * Mini-batch Adam on a dense network with the backward pass written out:
 * every gradient product transposes its operand explicitly and then runs a
 * plain matMul, which on the wasm backend is several times faster than a
 * matMul with a transposed operand (what autodiff would emit).
 */
export async function trainMlp(
  tf: TensorFlowApi,
  train: MlpTrainingSet,
  options: MlpTrainingOptions,
): Promise<MlpTrainingResult> {
  const random = seededRandom(options.seed);
  const sizes = [options.width, ...options.hidden, options.outputs];
  const initial = sizes.slice(1).map((outputs, l) => {
    const inputs = sizes[l];
    // Glorot uniform, as scikit-learn initialises relu and tanh layers.
    const bound = Math.sqrt(6 / (inputs + outputs));
    const w = Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * bound);
    const b = Float32Array.from({ length: outputs }, () => (random() * 2 - 1) * bound);
    return [tf.tensor2d(w, [inputs, outputs]), tf.tensor2d(b, [1, outputs])];
  });
  let params: Tensor[] = initial.flat();
  const pool = dataParallelPool(train, options);
  let replicas: MlpReplicas | undefined;
  if (train.rows >= options.batchSize * FLAT_STEP_FROM_STEPS) {
    const setup = {
      x: train.x,
      y: train.y,
      rows: train.rows,
      sizes,
      loss: options.loss,
      activation: options.activation,
      dropout: options.dropout,
      seed: options.seed,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      l2: options.l2,
      initial: Float32Array.from(params.flatMap((p) => Array.from(p.dataSync()))),
    };
    replicas = pool ? startMlpReplicas(pool, setup) : localMlpReplica(tf, setup);
  }
  let moments: Tensor[] = params.flatMap((p) => [tf.zeros(p.shape), tf.zeros(p.shape)]);
  let best: Tensor[] | undefined;

  // The training rows as tensors here, where the threads do not hold them instead.
  const rows = replicas
    ? undefined
    : [tf.tensor2d(train.x, [train.rows, options.width]), tf.tensor2d(train.y, [train.rows, options.outputs])];
  const valX = options.validation && tf.tensor2d(options.validation.x, [options.validation.rows, options.width]);
  const valY = options.validation && tf.tensor2d(options.validation.y, [options.validation.rows, options.outputs]);
  const layerCount = sizes.length - 1;
  const batchSize = Math.min(options.batchSize, train.rows);
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);

  const activate = (z: Tensor): Tensor => (options.activation === 'relu' ? tf.relu(z) : tf.tanh(z));
  /** d activation / dz, from z and the activation a. */
  const slope = (z: Tensor, a: Tensor): Tensor =>
    options.activation === 'relu' ? tf.step(z) : tf.sub(1, tf.square(a));
  const lossOf = (z: Tensor, y: Tensor): Tensor =>
    options.loss === 'crossEntropy'
      ? tf.mean(tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(y, z), 1)))
      : tf.div(tf.mean(tf.sum(tf.square(tf.sub(z, y)), 1)), 2);
  const forward = (x: Tensor, weights: Tensor[]): Tensor => {
    let a = x;
    for (let l = 0; l < layerCount; l++) {
      const z = tf.add(tf.matMul(a, weights[2 * l]), weights[2 * l + 1]);
      a = l < layerCount - 1 ? activate(z) : z;
    }
    return a;
  };

  let step = 0;
  let loss = Number.NaN;
  let valLoss: number | undefined;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let epoch = 0;
  try {
    for (epoch = 1; epoch <= options.epochs; epoch++) {
      shuffleInPlace(order, random);
      if (replicas) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
        loss = (await replicas.epoch(epoch, order)) / train.rows;
        tf.dispose(params);
        params = unflatten(tf, replicas.weights, sizes);
      }
      let epochLoss: Tensor | undefined;
      for (let start = 0; rows && start < train.rows; start += batchSize) {
        const [X, Y] = rows;
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
        const indices = order.subarray(start, Math.min(start + batchSize, train.rows));
        const n = indices.length;
        step++;
        const at = tf.tensor1d(indices, 'int32');
        const next = tf.tidy(() => {
          const xb = tf.gather(X, at);
          const yb = tf.gather(Y, at);
          const activations: Tensor[] = [xb];
          const preActivations: Tensor[] = [];
          const masks: (Tensor | undefined)[] = [];
          for (let l = 0; l < layerCount; l++) {
            const z = tf.add(tf.matMul(activations[l], params[2 * l]), params[2 * l + 1]);
            preActivations.push(z);
            if (l === layerCount - 1) break;
            let a = activate(z);
            let mask: Tensor | undefined;
            if (options.dropout > 0) {
              const keep = 1 - options.dropout;
              const noise = tf.randomUniform(a.shape, 0, 1, 'float32', options.seed * 1_000_003 + step * 31 + l);
              mask = tf.div(tf.step(tf.sub(keep, noise)), keep);
              a = tf.mul(a, mask);
            }
            masks.push(mask);
            activations.push(a);
          }
          const z = preActivations[layerCount - 1];
          const batchLoss = tf.mul(lossOf(z, yb), n);
          let dz = options.loss === 'crossEntropy' ? tf.div(tf.sub(tf.softmax(z), yb), n) : tf.div(tf.sub(z, yb), n);
          const grads: Tensor[] = new Array(params.length);
          for (let l = layerCount - 1; l >= 0; l--) {
            const w = params[2 * l];
            grads[2 * l] = tf.add(tf.matMul(tf.transpose(activations[l]), dz), tf.mul(w, options.l2 / n));
            grads[2 * l + 1] = tf.sum(dz, 0, true);
            if (l === 0) break;
            let da = tf.matMul(dz, tf.transpose(w));
            const mask = masks[l - 1];
            if (mask) da = tf.mul(da, mask);
            dz = tf.mul(da, slope(preActivations[l - 1], activations[l]));
          }
          const rate = options.learningRate * (Math.sqrt(1 - BETA2 ** step) / (1 - BETA1 ** step));
          const updated: Tensor[] = [];
          const updatedMoments: Tensor[] = [];
          params.forEach((param, p) => {
            const m = tf.add(tf.mul(moments[2 * p], BETA1), tf.mul(grads[p], 1 - BETA1));
            const v = tf.add(tf.mul(moments[2 * p + 1], BETA2), tf.mul(tf.square(grads[p]), 1 - BETA2));
            updated.push(tf.sub(param, tf.div(tf.mul(m, rate), tf.add(tf.sqrt(v), ADAM_EPSILON))));
            updatedMoments.push(m, v);
          });
          return [...updated, ...updatedMoments, batchLoss];
        });
        at.dispose();
        tf.dispose([...params, ...moments]);
        params = next.slice(0, params.length);
        moments = next.slice(params.length, params.length * 3);
        // Summed on the device and read once an epoch: a read per batch would stall the pipeline.
        const batchLoss = next[next.length - 1];
        const total = epochLoss ? tf.add(epochLoss, batchLoss) : batchLoss;
        if (epochLoss) tf.dispose([epochLoss, batchLoss]);
        epochLoss = total;
      }
      if (!replicas) loss = epochLoss ? (await epochLoss.data())[0] / train.rows : Number.NaN;
      epochLoss?.dispose();
      if (valX && valY) {
        const v = tf.tidy(() => lossOf(forward(valX, params), valY));
        valLoss = (await v.data())[0];
        v.dispose();
      }
      await options.onEpoch?.(epoch, loss, valLoss);
      const watched = valLoss ?? loss;
      if (watched < bestLoss - TOLERANCE) {
        bestLoss = watched;
        bestEpoch = epoch;
        if (valX) {
          if (best) tf.dispose(best);
          best = params.map((p) => tf.clone(p));
        }
      } else if (epoch - bestEpoch >= options.patience) {
        break;
      }
    }
    const kept = best ?? params;
    const layers: MlpLayer[] = [];
    for (let l = 0; l < layerCount; l++) {
      layers.push({
        inputs: sizes[l],
        outputs: sizes[l + 1],
        weights: Array.from(await kept[2 * l].data()),
        bias: Array.from(await kept[2 * l + 1].data()),
      });
    }
    return {
      layers,
      epochsRun: Math.min(epoch, options.epochs),
      bestEpoch: best ? bestEpoch : Math.min(epoch, options.epochs),
      loss,
      ...(valLoss !== undefined ? { valLoss: best ? bestLoss : valLoss } : {}),
      threads: pool?.size ?? 1,
    };
  } finally {
    // A thread's failure has already ended the others and is what this call throws.
    await replicas?.stop().catch(() => undefined);
    tf.dispose([...(rows ?? []), ...params, ...moments, ...(best ?? [])]);
    if (valX) tf.dispose(valX);
    if (valY) tf.dispose(valY);
  }
}

/** Tensors W0, b0, W1, b1, … from the flat layout of mlp-data-parallel.ts. */
function unflatten(tf: TensorFlowApi, flat: Float32Array, sizes: number[]): Tensor[] {
  const tensors: Tensor[] = [];
  let at = 0;
  for (let l = 1; l < sizes.length; l++) {
    const [inputs, outputs] = [sizes[l - 1], sizes[l]];
    tensors.push(tf.tensor2d(flat.slice(at, at + inputs * outputs), [inputs, outputs]));
    at += inputs * outputs;
    tensors.push(tf.tensor2d(flat.slice(at, at + outputs), [1, outputs]));
    at += outputs;
  }
  return tensors;
}
