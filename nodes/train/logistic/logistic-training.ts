import type { Tensor, TensorFlowApi } from '../../core/tensorflow.js';

export interface LogisticState {
  /** Sigmoid with one output for two classes (the second class is positive), softmax with one per class otherwise. */
  link: 'sigmoid' | 'softmax';
  /** width × outputs. */
  weights: number[][];
  bias: number[];
}

export interface LogisticTrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty strength λ: the loss adds λ/(2n)·‖W‖², as scikit-learn's C = 1/λ does. */
  l2: number;
  /** Stop once the loss improved by less than this per epoch over the last CONVERGENCE_WINDOW epochs; 0: never. */
  tolerance?: number;
  /** Called after every epoch with the training loss; may wait (to let the event loop breathe). */
  onEpoch?(epoch: number, loss: number): void | Promise<void>;
  signal?: AbortSignal;
}

export interface LogisticTrainingData {
  /** rows × width, row-major. */
  x: Float32Array;
  rows: number;
  width: number;
  /** Class index per row. */
  targets: Int32Array;
  classCount: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
/** Epochs over which convergence is judged: long enough that Adam's early wobbles do not stop it. */
export const CONVERGENCE_WINDOW = 20;

/**
 * Full-batch Adam on the (L2-penalised) cross-entropy of a logistic model,
 * with the gradient written out by hand. Everything is kept transposed
 * (weights as outputs × width, activations as outputs × rows) because on
 * the wasm backend a row-vector-times-matrix product runs 3–5× faster than
 * the matrix-times-column-vector one, and a matMul with a transposed operand
 * about ten times slower: Xᵀ is transposed once, up front.
 */
export async function trainLogistic(
  tf: TensorFlowApi,
  data: LogisticTrainingData,
  options: LogisticTrainingOptions,
): Promise<{ state: LogisticState; loss: number; epochsRun: number }> {
  const { rows: n, width: d, classCount } = data;
  const outputs = classCount === 2 ? 1 : classCount;
  const link = outputs === 1 ? 'sigmoid' : 'softmax';
  const yT = new Float32Array(outputs * n);
  for (let i = 0; i < n; i++) {
    if (outputs === 1) yT[i] = data.targets[i];
    else yT[data.targets[i] * n + i] = 1;
  }

  const X = tf.tensor2d(data.x, [n, d]);
  const XT = tf.transpose(X);
  const YT = tf.tensor2d(yT, [outputs, n]);
  let params = [tf.zeros([outputs, d]), tf.zeros([outputs, 1])];
  let moments = [tf.zeros([outputs, d]), tf.zeros([outputs, 1]), tf.zeros([outputs, d]), tf.zeros([outputs, 1])];
  let loss = Number.NaN;
  const losses: number[] = [];
  let epochsRun = 0;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
      const [WT, b] = params;
      const [mW, mb, vW, vb] = moments;
      const next = tf.tidy(() => {
        const ZT = tf.add(tf.matMul(WT, XT), b);
        const logNormaliser = link === 'sigmoid' ? undefined : tf.logSumExp(ZT, 0, true);
        const PT = logNormaliser ? tf.exp(tf.sub(ZT, logNormaliser)) : tf.sigmoid(ZT);
        const ET = tf.div(tf.sub(PT, YT), n);
        const gW = tf.add(tf.matMul(ET, X), tf.mul(WT, options.l2 / n));
        const gb = tf.sum(ET, 1, true);
        const dataLoss = logNormaliser
          ? tf.div(tf.sub(tf.sum(logNormaliser), tf.sum(tf.mul(YT, ZT))), n)
          : tf.mean(tf.sub(tf.softplus(ZT), tf.mul(YT, ZT)));
        const lossT = tf.add(dataLoss, tf.mul(tf.sum(tf.square(WT)), options.l2 / (2 * n)));
        const step = options.learningRate * (Math.sqrt(1 - BETA2 ** epoch) / (1 - BETA1 ** epoch));
        const adam = (param: Tensor, grad: Tensor, m: Tensor, v: Tensor): Tensor[] => {
          const m2 = tf.add(tf.mul(m, BETA1), tf.mul(grad, 1 - BETA1));
          const v2 = tf.add(tf.mul(v, BETA2), tf.mul(tf.square(grad), 1 - BETA2));
          const p2 = tf.sub(param, tf.div(tf.mul(m2, step), tf.add(tf.sqrt(v2), ADAM_EPSILON)));
          return [p2, m2, v2];
        };
        const [WT2, mW2, vW2] = adam(WT, gW, mW, vW);
        const [b2, mb2, vb2] = adam(b, gb, mb, vb);
        return [WT2, b2, mW2, mb2, vW2, vb2, lossT];
      });
      tf.dispose([...params, ...moments]);
      params = next.slice(0, 2);
      moments = next.slice(2, 6);
      const lossTensor = next[6];
      loss = (await lossTensor.data())[0];
      lossTensor.dispose();
      await options.onEpoch?.(epoch, loss);
      epochsRun = epoch;
      losses.push(loss);
      const tolerance = options.tolerance ?? 0;
      if (tolerance > 0 && epoch > CONVERGENCE_WINDOW) {
        const improved = losses[epoch - 1 - CONVERGENCE_WINDOW] - loss;
        if (improved < tolerance * CONVERGENCE_WINDOW) break;
      }
    }
    const weightsT = await params[0].data();
    const bias = Array.from(await params[1].data());
    return {
      state: {
        link,
        weights: Array.from({ length: d }, (_, j) => Array.from({ length: outputs }, (_, k) => weightsT[k * d + j])),
        bias,
      },
      loss,
      epochsRun,
    };
  } finally {
    tf.dispose([X, XT, YT, ...params, ...moments]);
  }
}
