import { z } from 'zod';
import { columnParam, columnsParam } from '../../core/index.js';
import { describeNode } from '../../core/define-node.js';

const params = z
  .object({
    path: z.string().min(1),
    features: columnsParam().default([]),
    inputs: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
    output: z.string().min(1).optional(),
    task: z.enum(['classification', 'regression']).default('classification'),
    classes: z.array(z.union([z.string(), z.number()])).default([]),
    label: columnParam().optional(),
  })
  .strict();

export const modelOnnxDescription = describeNode({
  type: 'model.onnx',
  version: 1,
  category: 'model',
  title: 'ONNX model',
  description: 'Bring a prebuilt ONNX model in as a model: its inputs fed by table columns, scored by onnxruntime.',
  docs: {
    summary:
      'Reads an `.onnx` file (from the server’s allowed data directories, like `source.csv`) and gives it as a model ' +
      'that `evaluate.score`, the evaluators and `deploy.service` take like a trained one; it is scored by ' +
      'onnxruntime, in runs and in the prediction service, and its bytes travel inside the model bundle (a deployed ' +
      'version, `pipewright serve --bundle`, the ONNX download). The mapping is checked against the model’s ' +
      'signature when the node runs — every input mapped, element types a column can feed (float, double, int32, ' +
      'int64, string) and the column count its shape fixes — and a mismatch names the input and the counts. Rows ' +
      'reach the model as they are: the model does its own preprocessing. Missing numbers go in as NaN (a float ' +
      'input) and missing text as "".',
    params: {
      path: 'The .onnx file (at most 128 MiB): a path in the server’s datasets directory or PIPEWRIGHT_DATA_DIRS.',
      features:
        'For a model with one input: the columns that feed it, in order (a [N, columns] input takes them row by row).',
      inputs:
        'For several inputs, or to be explicit: model input name → its columns, e.g. {"age": ["age"], "x": ["a", "b"]}. ' +
        'Empty with several inputs: each input takes the column of its own name (Pipewright’s own ONNX exports).',
      output:
        'The output with the class probabilities (N × classes, or N × 1 for the second of two classes) or the ' +
        'predictions. Default: the first float output (of rank 2 for a classifier).',
      task: 'classification (the output gives probabilities) or regression (it gives a number a row).',
      classes: 'The class of each probability column, in order, when the labels are not 0, 1, 2…; e.g. ["B", "M"].',
      label: 'The column with the true values, for evaluators downstream (optional).',
    },
    example:
      '{ "type": "model.onnx", "params": { "path": "models/churn.onnx", "features": ["age", "tenure", "spend"], ' +
      '"task": "classification", "classes": ["stay", "churn"], "label": "churned" } }',
  },
  inputs: [],
  outputs: [{ name: 'model', type: 'model' }],
  params,
  queue: 'cpu',
  fileParam: 'path',
});
