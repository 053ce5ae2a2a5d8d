import { z } from 'zod';
import { defineNode } from '../../core/index.js';
import { encodeFeatures } from '../feature-encoding.js';
import {
  runSupervisedTrainer,
  trainerParamDocs,
  trainerParams,
  type SupervisedAlgorithm,
} from '../supervised-trainer.js';
import { fitNaiveBayes } from './naivebayes-model.js';

const params = z.object({ ...trainerParams }).strict();

type NaiveBayesParams = z.infer<typeof params>;

const naiveBayes: SupervisedAlgorithm<NaiveBayesParams> = {
  algorithm: 'naivebayes',
  standardize: false,
  task: () => 'classification',
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
};

export const trainNaiveBayesNode = defineNode({
  type: 'train.naivebayes',
  version: 1,
  category: 'train',
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
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'model', type: 'model' }],
  params,
  queue: 'cpu',
  run: (ctx, inputs, p) => runSupervisedTrainer(ctx, inputs, p, naiveBayes),
});
