import { z } from 'zod';
import { describeNode } from '../../core/define-node.js';

const params = z.object({}).strict();

export const evaluateScoreDescription = describeNode({
  type: 'evaluate.score',
  version: 1,
  category: 'evaluate',
  title: 'Score',
  description: 'Add the model’s predictions (and class probabilities) to a table.',
  docs: {
    summary:
      'Applies a trained model to every row: first the fitted preprocessing the model was trained after (the part ' +
      'this table has not had yet — no row is dropped), then the model. Gives the input rows with a `prediction` ' +
      'column (the class, the number, or the cluster) and, for classifiers, one `probability_<class>` column per class. Evaluators downstream know the ' +
      'model’s label from it.',
    example: '{ "type": "evaluate.score", "params": {} }',
  },
  inputs: [
    { name: 'model', type: 'model' },
    { name: 'in', type: 'table' },
  ],
  outputs: [{ name: 'out', type: 'table' }],
  params,
  queue: 'cpu',
});
