import type { OnnxWriter } from '../define-trainer.js';
import { treeRegressorOnnx } from '../tree/tree-onnx.js';
import { boostingState } from './boosting-model.js';

/** ONNX-ML's TreeEnsembleRegressor for the raw scores (baseline + Σ trees), then the link in standard operators. */
export const boostingOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = boostingState(model);
    const k = state.baseline.length;
    const raw = treeRegressorOnnx(g, x, state.trees, k, { base: state.baseline, target: (t) => t % k });
    if (state.link === 'identity') return raw;
    if (state.link === 'softmax') return g.op1('Softmax', [raw], { axis: { i: -1 } });
    const p = g.op1('Sigmoid', [raw]);
    return g.op1('Concat', [g.op1('Sub', [g.constant('FLOAT', [], [1]), p]), p], { axis: { i: 1 } });
  },
};
