import { z } from 'zod';
import { encodeFeatures } from '../feature-encoding.js';
import { defineTrainer, trainerParamDocs, trainerParams } from '../define-trainer.js';
import { fitNaiveBayes, predictNaiveBayes } from './naivebayes-model.js';
import { naiveBayesOnnx } from './naivebayes-onnx.js';

const params = z.object({ ...trainerParams }).strict();

export const naiveBayesTrainer = defineTrainer({
  algorithm: 'naivebayes',
  title: 'Naive Bayes',
  description: 'Train a Gaussian naive Bayes classifier.',
  docs: {
    summary:
      'Models each feature within each class as a normal distribution (its mean and variance there) and ' +
      'combines them as if the features were independent given the class, weighted by how common each class is. ' +
      'Fast and robust on small tables, with calibrated-looking but often overconfident probabilities. Text ' +
      'features are one-hot encoded and each 0/1 column treated as a number, like scikit-learn’s GaussianNB on ' +
      'one-hot data; missing numbers get the training mean.',
    params: { ...trainerParamDocs, label: 'The column holding the class to predict.' },
    example: '{ "type": "train.naivebayes", "params": { "label": "species" } }',
  },
  params,
  queue: 'cpu',
  tasks: ['classification'],
  standardize: false,
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
