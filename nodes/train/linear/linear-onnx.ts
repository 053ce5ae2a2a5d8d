import type { OnnxWriter } from '../define-trainer.js';
import type { LinearState } from './linear-model.js';

/** ONNX-ML's LinearRegressor: the weighted sum plus the intercept. */
export const linearOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = model.state as unknown as LinearState;
    return g.ml('LinearRegressor', [x], {
      coefficients: { floats: state.weights },
      intercepts: { floats: [state.bias] },
      targets: { i: 1 },
    })[0];
  },
};
