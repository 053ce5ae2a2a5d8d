import type { OnnxWriter } from '../define-trainer.js';
import type { LogisticState } from './logistic-training.js';

/**
 * ONNX-ML's LinearClassifier with the logistic or softmax link. Two classes
 * are written as two opposite score rows (−z, z), so the logistic link gives
 * (1 − p, p) as two probabilities without relying on the operator's
 * one-row binary special case.
 */
export const logisticOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = model.state as unknown as LogisticState;
    const width = state.weights.length;
    const outputs = state.bias.length;
    const column = (k: number) => Array.from({ length: width }, (_, j) => state.weights[j][k]);
    const binary = state.link === 'sigmoid';
    const coefficients = binary
      ? [...column(0).map((w) => -w), ...column(0)]
      : Array.from({ length: outputs }, (_, k) => column(k)).flat();
    const intercepts = binary ? [-state.bias[0], state.bias[0]] : state.bias;
    const classes = binary ? 2 : outputs;
    return g.ml(
      'LinearClassifier',
      [x],
      {
        coefficients: { floats: coefficients },
        intercepts: { floats: intercepts },
        classlabels_ints: { ints: Array.from({ length: classes }, (_, k) => k) },
        post_transform: { s: binary ? 'LOGISTIC' : 'SOFTMAX' },
      },
      2,
    )[1];
  },
};
