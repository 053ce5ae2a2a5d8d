import type { ThreadPool } from '../../core/define-node.js';
import type { Tensor, TensorFlowApi } from '../../core/tensorflow.js';
import type { MlpActivation } from './mlp-model.js';

/**
 * trainMlp's flat step — the weights in one Float32Array, each layer's
 * forward pass one fused matMul, the loss and Adam in JavaScript — in the
 * calling thread (localMlpReplica), or data-parallel on worker threads,
 * each with its own TensorFlow.js (wasm): every Adam step's batch is cut into one
 * shard a thread, each thread computes its shard's gradients, and after a
 * barrier every thread sums the shards' gradients in thread order and takes
 * the same Adam step on its own copy of the weights — so the copies stay
 * equal bit for bit, and a seed gives the same model for the same number of
 * threads (the sums, in 32-bit floats, differ in the last bits from one
 * thread's). The coordinating thread (trainMlp) shuffles each epoch's rows,
 * lets the threads run the epoch, and reads back the weights and the loss
 * for its validation, progress and early stopping.
 */

/** What each thread is given (structured clone: the arrays over SharedArrayBuffers are shared, not copied). */
export interface MlpReplicaShared {
  /** rows × width and rows × outputs, row-major. */
  x: Float32Array;
  y: Float32Array;
  rows: number;
  /** Units a layer: inputs, hidden…, outputs. */
  sizes: number[];
  loss: 'crossEntropy' | 'squared';
  activation: MlpActivation;
  dropout: number;
  seed: number;
  batchSize: number;
  learningRate: number;
  l2: number;
  threads: number;
  /** The initial weights, flat: W0 (inputs × outputs), b0, W1, b1, … */
  initial: Float32Array;
  /** The epoch's row order, written by the coordinator before it lets the epoch start. */
  order: Int32Array;
  /** The weights after the last epoch, written by thread 0. */
  weights: Float32Array;
  /** Two sets of one gradient a thread (a step's parity picks the set), each flat like the weights. */
  gradients: Float32Array;
  /** Each thread's summed training loss over the last epoch. */
  losses: Float64Array;
  control: Int32Array;
}

/** control[EPOCH]: the last epoch the coordinator let start, or STOP. */
const EPOCH = 0;
/** Threads at the step barrier, and the barrier's generation (bumped by the last to arrive). */
const ARRIVED = 1;
const GENERATION = 2;
/** Epochs finished, summed over the threads. */
const FINISHED = 3;
const STOP = -1;

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;

/** The smallest shard a thread is given: below it the barrier costs more than the shard's arithmetic. */
export const MIN_SHARD_ROWS = 64;

/** Where each layer's weights and bias lie in the flat layout. */
function flatLayout(sizes: number[]): { inputs: number; outputs: number; weights: number; bias: number }[] {
  let at = 0;
  return sizes.slice(1).map((outputs, l) => {
    const inputs = sizes[l];
    const layer = { inputs, outputs, weights: at, bias: at + inputs * outputs };
    at += inputs * outputs + outputs;
    return layer;
  });
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** The part of Atomics that ES2023's lib does not declare (Node has it since 16). */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
) => { async: boolean; value: Promise<string> | string };

export interface MlpReplicas {
  /** Runs one epoch over the rows in `order`; answers the summed training loss. */
  epoch(epoch: number, order: Int32Array): Promise<number>;
  /** The weights after the last epoch, flat (see MlpReplicaShared.initial). */
  readonly weights: Float32Array;
  /** Lets the threads end, and waits for them. */
  stop(): Promise<void>;
}

/** Starts the threads; they wait for the first epoch. */
export function startMlpReplicas(
  pool: ThreadPool & Required<Pick<ThreadPool, 'withTensorFlow'>>,
  setup: Omit<MlpReplicaShared, 'threads' | 'order' | 'weights' | 'gradients' | 'losses' | 'control'>,
): MlpReplicas {
  const threads = pool.size;
  const x = sharedFloats(setup.x.length);
  x.set(setup.x);
  const y = sharedFloats(setup.y.length);
  y.set(setup.y);
  const shared: MlpReplicaShared = {
    ...setup,
    x,
    y,
    threads,
    order: new Int32Array(new SharedArrayBuffer(setup.rows * Int32Array.BYTES_PER_ELEMENT)),
    weights: sharedFloats(setup.initial.length),
    gradients: sharedFloats(2 * threads * setup.initial.length),
    losses: new Float64Array(new SharedArrayBuffer(threads * Float64Array.BYTES_PER_ELEMENT)),
    control: new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT)),
  };
  const { control } = shared;
  const running = pool.withTensorFlow<MlpReplicaShared, number>(
    { module: new URL('./mlp-data-parallel.js', import.meta.url).href, name: 'trainMlpReplica' },
    shared,
  );
  // A failed thread ends the others; whoever waits on them hears of it through `ended`.
  const ended = running.then(() => {
    throw new Error('the training threads ended before they were told to stop');
  });
  ended.catch(() => undefined);
  const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
  const finished = async (count: number): Promise<void> => {
    for (;;) {
      const seen = Atomics.load(control, FINISHED);
      if (seen >= count) return;
      const wait = waitAsync(control, FINISHED, seen);
      if (wait.async) await Promise.race([wait.value, ended]);
    }
  };
  return {
    weights: shared.weights,
    async epoch(epoch, order) {
      shared.order.set(order);
      Atomics.store(control, EPOCH, epoch);
      Atomics.notify(control, EPOCH);
      await finished(epoch * threads);
      return shared.losses.reduce((a, b) => a + b, 0);
    },
    async stop() {
      Atomics.store(control, EPOCH, STOP);
      Atomics.notify(control, EPOCH);
      await running;
    },
  };
}

/**
 * The same training in this thread, without worker threads: where there are
 * none (one core, or a backend whose kernels use every core already), large
 * enough data still trains with this file's cheaper step (fused forward
 * pass, loss in JavaScript, Adam in JavaScript).
 */
export function localMlpReplica(
  tf: TensorFlowApi,
  setup: Omit<MlpReplicaShared, 'threads' | 'order' | 'weights' | 'gradients' | 'losses' | 'control'>,
): MlpReplicas {
  const shared: MlpReplicaShared = {
    ...setup,
    threads: 1,
    order: new Int32Array(setup.rows),
    weights: new Float32Array(setup.initial.length),
    gradients: new Float32Array(2 * setup.initial.length),
    losses: new Float64Array(1),
    control: new Int32Array(4),
  };
  const replica = replicaOf(shared);
  return {
    weights: shared.weights,
    epoch(_epoch, order) {
      shared.order.set(order);
      const loss = replicaEpoch(tf, shared, 0, replica);
      shared.weights.set(replica.params);
      return Promise.resolve(loss);
    },
    stop: () => Promise.resolve(),
  };
}

/** Waits until every thread has arrived (a generation-counting barrier). */
function barrier(control: Int32Array, parties: number): void {
  const generation = Atomics.load(control, GENERATION);
  if (Atomics.add(control, ARRIVED, 1) === parties - 1) {
    Atomics.store(control, ARRIVED, 0);
    Atomics.add(control, GENERATION, 1);
    Atomics.notify(control, GENERATION);
    return;
  }
  while (Atomics.load(control, GENERATION) === generation) Atomics.wait(control, GENERATION, generation);
}

/**
 * One thread's part (run by ThreadPool.withTensorFlow): waits for each
 * epoch, takes its shard of every batch, and answers the steps it took
 * once the coordinator says stop.
 */
export function trainMlpReplica(tf: TensorFlowApi, shared: MlpReplicaShared, thread: number): number {
  const { control } = shared;
  const replica = replicaOf(shared);
  for (let epoch = 1; ; epoch++) {
    for (;;) {
      const told = Atomics.load(control, EPOCH);
      if (told === STOP) return replica.step;
      if (told >= epoch) break;
      Atomics.wait(control, EPOCH, told);
    }
    shared.losses[thread] = replicaEpoch(tf, shared, thread, replica);
    if (thread === 0) shared.weights.set(replica.params);
    Atomics.add(control, FINISHED, 1);
    Atomics.notify(control, FINISHED);
  }
}

/** A thread's copy of the weights, its Adam moments and the steps it took. */
interface Replica {
  layout: ReturnType<typeof flatLayout>;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  /** Scratch for adamStep: each parameter's summed gradient. */
  sum: Float64Array;
  step: number;
}

function replicaOf(shared: MlpReplicaShared): Replica {
  const size = shared.initial.length;
  return {
    layout: flatLayout(shared.sizes),
    params: shared.initial.slice(),
    m: new Float32Array(size),
    v: new Float32Array(size),
    sum: new Float64Array(size),
    step: 0,
  };
}

/** One epoch over shared.order, this thread's shard of each batch; answers the shard's summed loss. */
function replicaEpoch(tf: TensorFlowApi, shared: MlpReplicaShared, thread: number, replica: Replica): number {
  const { threads, control, rows, batchSize } = shared;
  const { layout, params, m, v } = replica;
  const size = params.length;
  const relu = shared.activation === 'relu';
  let lossSum = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const step = ++replica.step;
    const from = start + Math.floor((n * thread) / threads);
    const to = start + Math.floor((n * (thread + 1)) / threads);
    const set = (step & 1) * threads;
    const own = shared.gradients.subarray((set + thread) * size, (set + thread + 1) * size);
    if (to > from) {
      const indices = shared.order.slice(from, to);
      const { gradients, loss } = shardGradients(tf, indices, n, params, layout, shared, step, thread, relu);
      gradients.forEach((g, p) => own.set(g.dataSync(), gradientOffset(layout, p)));
      lossSum += loss;
      tf.dispose(gradients);
    } else {
      own.fill(0);
    }
    barrier(control, threads);
    adamStep(shared, params, m, v, layout, set * size, step, n, replica.sum);
  }
  return lossSum;
}

/** Where gradient p (W0, b0, W1, b1, …) starts in the flat layout. */
function gradientOffset(layout: ReturnType<typeof flatLayout>, p: number): number {
  const layer = layout[Math.floor(p / 2)];
  return p % 2 === 0 ? layer.weights : layer.bias;
}

/**
 * The shard's gradients of the batch's mean loss (its rows' share: summed
 * over the threads they make the batch's gradient, without the L2 term),
 * W0, b0, W1, b1, …, and the shard's summed loss — trainMlp's arithmetic on
 * fewer rows, with fewer kernels: each layer's forward pass is one fused
 * matMul (bias and relu included), and the loss and its gradient at the
 * outputs (a few numbers a row) are computed here in JavaScript from the
 * read-back outputs instead of a dozen small kernels.
 */
function shardGradients(
  tf: TensorFlowApi,
  indices: Int32Array,
  n: number,
  params: Float32Array,
  layout: ReturnType<typeof flatLayout>,
  shared: MlpReplicaShared,
  step: number,
  thread: number,
  relu: boolean,
): { gradients: Tensor[]; loss: number } {
  let loss = 0;
  const gradients = tf.tidy(() => {
    // Rows copied here (a gather kernel takes ten times as long for a shard of 256 rows × 32).
    const width = layout[0].inputs;
    const rows = new Float32Array(indices.length * width);
    indices.forEach((row, r) => rows.set(shared.x.subarray(row * width, (row + 1) * width), r * width));
    const xb = tf.tensor2d(rows, [indices.length, width]);
    // Bias gradients as ones · dz, a GEMM: a column sum is a slow kernel on wasm.
    const ones = tf.tensor2d(new Float32Array(indices.length).fill(1), [1, indices.length]);
    const weights = layout.map((layer) =>
      tf.tensor2d(params.subarray(layer.weights, layer.bias), [layer.inputs, layer.outputs]),
    );
    const biases = layout.map((layer) => tf.tensor1d(params.subarray(layer.bias, layer.bias + layer.outputs)));
    const layerCount = layout.length;
    const activations: Tensor[] = [xb];
    /** Each hidden layer's activations before dropout, which its slope is taken from. */
    const units: Tensor[] = [];
    const masks: (Tensor | undefined)[] = [];
    let z: Tensor | undefined;
    for (let l = 0; l < layerCount; l++) {
      const hidden = l < layerCount - 1;
      const fusedRelu = hidden && relu;
      z = tf.fused.matMul({
        a: activations[l],
        b: weights[l],
        bias: biases[l],
        activation: fusedRelu ? 'relu' : 'linear',
      });
      if (!hidden) break;
      let a = fusedRelu ? z : tf.tanh(z);
      units.push(a);
      let mask: Tensor | undefined;
      if (shared.dropout > 0) {
        const keep = 1 - shared.dropout;
        const seed = shared.seed * 1_000_003 + step * 31 + l + thread * 7919;
        mask = tf.div(tf.step(tf.sub(keep, tf.randomUniform(a.shape, 0, 1, 'float32', seed))), keep);
        a = tf.mul(a, mask);
      }
      masks.push(mask);
      activations.push(a);
    }
    const outputs = layout[layerCount - 1].outputs;
    const out = (z as Tensor).dataSync();
    const dOut = new Float32Array(out.length);
    loss = outputGradient(out, shared.y, indices, outputs, n, shared.loss, dOut);
    let dz = tf.tensor2d(dOut, [indices.length, outputs]);
    const grads: Tensor[] = new Array(2 * layerCount);
    for (let l = layerCount - 1; l >= 0; l--) {
      grads[2 * l] = tf.matMul(tf.transpose(activations[l]), dz);
      grads[2 * l + 1] = tf.matMul(ones, dz);
      if (l === 0) break;
      let da = tf.matMul(dz, tf.transpose(weights[l]));
      const mask = masks[l - 1];
      if (mask) da = tf.mul(da, mask);
      // relu: 1 where the unit was on (its output above 0); tanh: 1 − a².
      const a = units[l - 1];
      dz = tf.mul(da, relu ? tf.step(a) : tf.sub(1, tf.square(a)));
    }
    return grads;
  });
  return { gradients, loss };
}

/**
 * The loss summed over the shard's rows, and into `dOut` its gradient at
 * the outputs `out` (rows × outputs) as a share of the batch's mean:
 * softmax − y for cross-entropy, z − y for squared error, over n.
 */
function outputGradient(
  out: ArrayLike<number>,
  y: Float32Array,
  indices: Int32Array,
  outputs: number,
  n: number,
  kind: MlpReplicaShared['loss'],
  dOut: Float32Array,
): number {
  let loss = 0;
  for (let r = 0; r < indices.length; r++) {
    const o = r * outputs;
    const t = indices[r] * outputs;
    if (kind === 'crossEntropy') {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < outputs; c++) max = Math.max(max, out[o + c]);
      let total = 0;
      for (let c = 0; c < outputs; c++) total += Math.exp(out[o + c] - max);
      const logSum = max + Math.log(total);
      for (let c = 0; c < outputs; c++) {
        loss -= y[t + c] * (out[o + c] - logSum);
        dOut[o + c] = (Math.exp(out[o + c] - logSum) - y[t + c]) / n;
      }
    } else {
      for (let c = 0; c < outputs; c++) {
        const d = out[o + c] - y[t + c];
        loss += (d * d) / 2;
        dOut[o + c] = d / n;
      }
    }
  }
  return loss;
}

/**
 * Sums the threads' gradients (set `from`, in thread order), adds the L2
 * term to the weights' and takes trainMlp's Adam step, in this thread's
 * copy of the weights.
 */
function adamStep(
  shared: MlpReplicaShared,
  params: Float32Array,
  m: Float32Array,
  v: Float32Array,
  layout: ReturnType<typeof flatLayout>,
  from: number,
  step: number,
  n: number,
  sum: Float64Array,
): void {
  const { gradients, threads } = shared;
  const size = params.length;
  const rate = shared.learningRate * (Math.sqrt(1 - BETA2 ** step) / (1 - BETA1 ** step));
  const decay = shared.l2 / n;
  // Each parameter's gradient in `sum`: the L2 term (weights only), then each thread's in thread order — three
  // flat passes, each a tight loop, instead of a loop over the threads inside the loop over the parameters.
  for (const layer of layout) {
    for (let i = layer.weights; i < layer.bias; i++) sum[i] = params[i] * decay;
    sum.fill(0, layer.bias, layer.bias + layer.outputs);
  }
  for (let t = 0; t < threads; t++) {
    const shard = gradients.subarray(from + t * size, from + (t + 1) * size);
    for (let i = 0; i < size; i++) sum[i] += shard[i];
  }
  for (let i = 0; i < size; i++) {
    const g = sum[i];
    m[i] = m[i] * BETA1 + g * (1 - BETA1);
    v[i] = v[i] * BETA2 + g * g * (1 - BETA2);
    params[i] -= (m[i] * rate) / (Math.sqrt(v[i]) + ADAM_EPSILON);
  }
}
