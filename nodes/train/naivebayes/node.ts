import { encodeFeatures } from '../feature-encoding.js';
import { defineTrainer } from '../define-trainer.js';
import { fitNaiveBayes, predictNaiveBayes } from './naivebayes-model.js';
import { naiveBayesOnnx } from './naivebayes-onnx.js';
import { naiveBayesDescription } from './description.js';

export const naiveBayesTrainer = defineTrainer(naiveBayesDescription, {
  async fit(_ctx, data, _p, hooks) {
    const width = data.encoding.width;
    const state = fitNaiveBayes(
      encodeFeatures(data.encoding, data.batch, data.rows),
      width,
      data.targets as Int32Array,
      data.classCount,
    );
    await hooks.progress(1);
    return { state: { ...state } };
  },
  predict: predictNaiveBayes,
  onnx: naiveBayesOnnx,
});
