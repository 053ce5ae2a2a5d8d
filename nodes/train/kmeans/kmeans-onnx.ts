import type { OnnxWriter } from '../define-trainer.js';
import type { KmeansState } from './kmeans-model.js';

/** The nearest centre (squared distances in DOUBLE, the first of equals), as predictKmeans finds it. */
export const kmeansOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = model.state as unknown as KmeansState;
    const width = state.centers.length / state.k;
    const rows = g.op1('Unsqueeze', [g.op1('Cast', [x], { to: { i: 11 } }), g.constant('INT64', [1], [1])]);
    const d = g.op1('Sub', [rows, g.constant('DOUBLE', [1, state.k, width], state.centers)]);
    const distance = g.op1('ReduceSum', [g.op1('Mul', [d, d]), g.constant('INT64', [1], [2])], { keepdims: { i: 0 } });
    return g.op1('ArgMin', [distance], { axis: { i: 1 }, keepdims: { i: 0 }, select_last_index: { i: 0 } });
  },
};
