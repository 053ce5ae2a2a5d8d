import { NodeError } from '../../core/index.js';
import { defineTrainer } from '../define-trainer.js';
import { fitKnn, predictKnn } from './knn-model.js';
import { knnDescription } from './description.js';

export const knnTrainer = defineTrainer(knnDescription, {
  async fit(_ctx, data, p, hooks) {
    if (p.k > data.rows.length) {
      throw new NodeError(`k (${p.k}) is more than the ${data.rows.length} training rows`, { param: 'k' });
    }
    const state = fitKnn(data.encoding, data.batch, data.rows, data.targets, data.classCount, p.k);
    await hooks.progress(1);
    return { state: { ...state }, summary: { k: p.k } };
  },
  predict: predictKnn,
});
