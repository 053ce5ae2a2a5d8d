import { NodeError } from '../core/errors.js';
import type { ModelBundle } from '../core/values.js';
import { logisticProbabilities } from './logistic/logistic-scoring.js';
import type { LogisticState } from './logistic/logistic-training.js';

/**
 * Class probabilities (rows × classes, in the order of model.classes) of
 * rows already encoded with model.encoding. Each trainer's algorithm adds
 * its case here.
 */
export function predictClassProbabilities(model: ModelBundle, x: Float32Array, rows: number): Float64Array {
  switch (model.algorithm) {
    case 'logistic':
      return logisticProbabilities(logisticState(model), x, rows, model.encoding.width);
    default:
      throw new NodeError(`models trained by "${model.algorithm}" cannot be scored as classifiers`);
  }
}

function logisticState(model: ModelBundle): LogisticState {
  const { link, weights, bias } = model.state;
  const valid =
    (link === 'sigmoid' || link === 'softmax') &&
    Array.isArray(weights) &&
    weights.length === model.encoding.width &&
    Array.isArray(bias) &&
    weights.every((row) => Array.isArray(row) && row.length === bias.length);
  if (!valid) throw new NodeError('the model bundle is damaged: its logistic weights do not match its encoding');
  return { link, weights, bias } as LogisticState;
}
