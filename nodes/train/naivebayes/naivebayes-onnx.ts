import type { OnnxWriter } from '../define-trainer.js';
import type { NaiveBayesState } from './naivebayes-model.js';

/** The Gaussian joint log-likelihoods in DOUBLE standard operators, then softmax, as predictNaiveBayes computes them. */
export const naiveBayesOnnx: OnnxWriter = {
  write(g, model, x) {
    const state = model.state as unknown as NaiveBayesState;
    const k = state.priors.length;
    const width = state.means.length / k;
    const constant = state.priors.map((prior, c) => {
      let logVariances = 0;
      for (let j = 0; j < width; j++) logVariances += Math.log(2 * Math.PI * state.variances[c * width + j]);
      return Math.log(prior) - 0.5 * logVariances;
    });
    const rows = g.op1('Unsqueeze', [g.op1('Cast', [x], { to: { i: 11 } }), g.constant('INT64', [1], [1])]);
    const d = g.op1('Sub', [rows, g.constant('DOUBLE', [1, k, width], state.means)]);
    const scaled = g.op1('Div', [g.op1('Mul', [d, d]), g.constant('DOUBLE', [1, k, width], state.variances)]);
    const distance = g.op1('ReduceSum', [scaled, g.constant('INT64', [1], [2])], { keepdims: { i: 0 } });
    const joint = g.op1('Sub', [g.constant('DOUBLE', [k], constant), g.op1('Mul', [distance, g.double(0.5)])]);
    return g.op1('Cast', [g.op1('Softmax', [joint], { axis: { i: -1 } })], { to: { i: 1 } });
  },
};
