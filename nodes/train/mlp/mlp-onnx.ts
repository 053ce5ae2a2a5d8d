import type { OnnxWriter } from '../define-trainer.js';
import type { MlpState } from './mlp-model.js';

/** Standard operators (MatMul, Add, Relu/Tanh, Softmax) in DOUBLE, as mlpOnEncoded computes in 64-bit floats. */
export const mlpOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = model.state as unknown as MlpState;
    let h = g.op1('Cast', [x], { to: { i: 11 } });
    state.layers.forEach((layer, l) => {
      const weights = g.constant('DOUBLE', [layer.inputs, layer.outputs], layer.weights);
      h = g.op1('Add', [g.op1('MatMul', [h, weights]), g.constant('DOUBLE', [layer.outputs], layer.bias)]);
      if (l < state.layers.length - 1) h = g.op1(state.activation === 'relu' ? 'Relu' : 'Tanh', [h]);
    });
    if (state.output === 'softmax') h = g.op1('Softmax', [h], { axis: { i: -1 } });
    else {
      const { mean, std } = state.target ?? { mean: 0, std: 1 };
      h = g.op1('Add', [g.op1('Mul', [h, g.double(std)]), g.double(mean)]);
    }
    return g.op1('Cast', [h], { to: { i: 1 } });
  },
};
