import { z } from 'zod';
import { describeTrainer, trainerParams, trainerParamDocs } from '../trainer-description.js';

const params = z.object({ ...trainerParams }).strict();

export const naiveBayesDescription = describeTrainer({
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
});
