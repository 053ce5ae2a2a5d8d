import { z } from 'zod';
import { columnParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    label: columnParam().optional(),
  })
  .strict();

export const evaluateClassificationDescription = describeNode({
  type: 'evaluate.classification',
  version: 1,
  category: 'evaluate',
  title: 'Classification metrics',
  description: 'Accuracy, precision, recall, F1, ROC AUC, log loss and the confusion matrix of scored rows.',
  docs: {
    summary:
      'Compares the `prediction` column of a scored table with the true classes. Precision, recall and F1 are ' +
      'macro averages (every class counts the same); ROC AUC is of the second class (sorted) for two classes and ' +
      'the macro one-vs-rest average for more; log loss uses the `probability_<class>` columns. Also gives the ' +
      'confusion matrix (rows: true class, columns: predicted), the ROC curve (two classes; with more, `rocCurves` ' +
      'holds each class against the rest) and per-class scores. `baselineAccuracy` is the accuracy of always ' +
      'answering the most common true class (`majorityClass`): a model that does not beat it has learned nothing ' +
      'useful, and the studio flags it.',
    params: {
      label:
        'The column with the true classes. Empty: the label of the model that scored the table (evaluate.score records it).',
    },
    example: '{ "type": "evaluate.classification", "params": { "label": "diagnosis" } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'metrics', type: 'metrics' }],
  params,
  queue: 'cpu',
});
