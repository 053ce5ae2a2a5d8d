import { z } from 'zod';
import {
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  tableInput,
  type ColumnBatch,
  type ModelBundle,
  type NodeContext,
} from '../../core/index.js';
import { classLabels } from '../class-labels.js';
import { meanStd, stratifiedFolds } from '../cross-validation.js';
import { encodeFeatures, fitEncoding } from '../feature-encoding.js';
import { rawInputColumns } from '../model-inputs.js';
import { logisticProbabilities } from './logistic-scoring.js';
import { trainLogistic, type LogisticTrainingOptions } from './logistic-training.js';

const params = z
  .object({
    label: z.string().min(1),
    features: z.array(z.string().min(1)).default([]),
    epochs: z.number().int().min(1).max(100_000).default(500),
    learningRate: z.number().gt(0).max(10).default(0.05),
    l2: z.number().min(0).default(1),
    folds: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(0)
      .refine((k) => k !== 1, 'folds is 0 (no cross-validation) or at least 2'),
  })
  .strict();

/** How long training may hold the thread before letting progress, logs and cancel through. */
const YIELD_EVERY_MS = 50;

export const trainLogisticNode = defineNode({
  type: 'train.logistic',
  version: 1,
  category: 'train',
  title: 'Logistic regression',
  description: 'Train a logistic-regression classifier (binary or multiclass) with TensorFlow.js.',
  docs: {
    summary:
      'Learns to predict the class in `label` from the feature columns: two classes with a sigmoid, more with a ' +
      'softmax. Numeric features are standardised (missing values filled with the training mean) and text features ' +
      'one-hot encoded inside the model, so raw rows can be scored. Trained full-batch with Adam and an L2 penalty ' +
      'like scikit-learn’s default (C = 1). Set `folds` for k-fold cross-validation of accuracy and log loss.',
    params: {
      label: 'The column holding the class to predict (text, boolean or whole numbers).',
      features: 'Columns to learn from. Empty: every column except the label.',
      epochs: 'Passes over the training rows.',
      learningRate: 'Adam’s step size.',
      l2: 'Strength of the L2 penalty on the weights, like 1/C in scikit-learn; 0 turns it off.',
      folds: 'k for k-fold cross-validation (stratified) reported with the model; 0 turns it off.',
    },
    example: '{ "type": "train.logistic", "params": { "label": "diagnosis", "folds": 5 } }',
  },
  inputs: [{ name: 'in', type: 'table' }],
  outputs: [{ name: 'model', type: 'model' }],
  params,
  queue: 'gpu',
  async run(ctx, inputs, p) {
    const started = Date.now();
    const input = tableInput(inputs);
    const label = requireColumn(input, p.label, 'label');
    const features = (
      p.features.length ? p.features : input.columns.map((c) => c.name).filter((n) => n !== label.name)
    ).map((name) => requireColumn(input, name, 'features'));
    if (features.some((f) => f.name === label.name)) {
      throw new NodeError(`the label "${label.name}" cannot also be a feature`, {
        param: 'features',
        column: label.name,
      });
    }
    if (features.length === 0)
      throw new NodeError('there are no feature columns besides the label', { param: 'features' });
    if (input.rows === 0) throw new NodeError('the table is empty: there are no rows to train on');

    const columns = [...features, label].map((c) => quoteIdent(c.name)).join(', ');
    const batch = await ctx.sql.columns(`SELECT ${columns} FROM ${ctx.sql.from(input)}`);
    const labelled = classLabels(batch, label.name);
    const skipped = batch.rowCount - labelled.rows.length;
    if (skipped > 0) ctx.log(`left out ${skipped} rows without a label`, 'warn');
    if (p.folds > labelled.rows.length) {
      throw new NodeError(`folds (${p.folds}) is more than the ${labelled.rows.length} labelled rows`, {
        param: 'folds',
      });
    }

    const featureNames = features.map((f) => f.name);
    const encoding = fitEncoding(batch, featureNames, labelled.rows);
    const totalEpochs = p.epochs * (1 + p.folds);
    const pacer = trainingPacer(ctx);
    const options = (epochOffset: number, fold?: number): LogisticTrainingOptions => ({
      epochs: p.epochs,
      learningRate: p.learningRate,
      l2: p.l2,
      signal: ctx.signal,
      onEpoch: async (epoch, loss) => {
        const pct = ((epochOffset + epoch) / totalEpochs) * 100;
        if (fold === undefined) ctx.progress(pct, { epoch, epochs: p.epochs, loss });
        else ctx.progress(pct, { detail: `cross-validation fold ${fold + 1} of ${p.folds}` });
        await pacer();
      },
    });

    const { state, loss } = await trainLogistic(
      ctx.tf,
      {
        x: encodeFeatures(encoding, batch, labelled.rows),
        rows: labelled.rows.length,
        width: encoding.width,
        targets: labelled.targets,
        classCount: labelled.classes.length,
      },
      options(0),
    );
    ctx.log(
      `trained on ${labelled.rows.length} rows, ${encoding.width} encoded features: final loss ${loss.toFixed(4)}`,
    );

    const cv = p.folds >= 2 ? await crossValidate(ctx, batch, featureNames, labelled, p.folds, options) : undefined;
    if (cv) {
      ctx.log(
        `${p.folds}-fold cross-validation: accuracy ${cv.accuracy.mean.toFixed(4)} ± ${cv.accuracy.std.toFixed(4)}`,
      );
    }
    ctx.progress(100);

    const model: ModelBundle = {
      kind: 'model',
      key: `${ctx.jobKey}:model`,
      format: 'pipewright-model/v1',
      algorithm: 'logistic',
      task: 'classification',
      label: label.name,
      classes: labelled.classes,
      inputs: rawInputColumns(features, input.transforms),
      transforms: input.transforms,
      encoding,
      state: { ...state },
      training: {
        rows: labelled.rows.length,
        epochs: p.epochs,
        learningRate: p.learningRate,
        l2: p.l2,
        loss,
        backend: ctx.tf.getBackend(),
        durationMs: Date.now() - started,
        ...(cv ? { cv } : {}),
      },
    };
    return { model };
  },
});

/** Lets the event loop run (progress events, cancel) at most every YIELD_EVERY_MS while training. */
function trainingPacer(ctx: NodeContext): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < YIELD_EVERY_MS) return;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    last = Date.now();
    if (ctx.signal.aborted) throw new NodeError('cancelled');
  };
}

async function crossValidate(
  ctx: NodeContext,
  batch: ColumnBatch,
  features: string[],
  labelled: ReturnType<typeof classLabels>,
  folds: number,
  options: (epochOffset: number, fold?: number) => LogisticTrainingOptions,
): Promise<{ folds: number; accuracy: ReturnType<typeof meanStd>; logLoss: ReturnType<typeof meanStd> }> {
  const assignment = stratifiedFolds(labelled.targets, folds);
  const accuracy: number[] = [];
  const logLoss: number[] = [];
  const epochs = options(0).epochs;
  for (let fold = 0; fold < folds; fold++) {
    const trainAt: number[] = [];
    const testAt: number[] = [];
    assignment.forEach((f, i) => (f === fold ? testAt : trainAt).push(i));
    const trainRows = trainAt.map((i) => labelled.rows[i]);
    const testRows = testAt.map((i) => labelled.rows[i]);
    // Each fold fits its own encoding: the held-out rows must not leak into the means.
    const encoding = fitEncoding(batch, features, trainRows);
    const { state } = await trainLogistic(
      ctx.tf,
      {
        x: encodeFeatures(encoding, batch, trainRows),
        rows: trainRows.length,
        width: encoding.width,
        targets: Int32Array.from(trainAt.map((i) => labelled.targets[i])),
        classCount: labelled.classes.length,
      },
      options(epochs * (fold + 1), fold),
    );
    const classes = labelled.classes.length;
    const probabilities = logisticProbabilities(
      state,
      encodeFeatures(encoding, batch, testRows),
      testRows.length,
      encoding.width,
    );
    let correct = 0;
    let loss = 0;
    testAt.forEach((at, i) => {
      const truth = labelled.targets[at];
      let best = 0;
      for (let k = 1; k < classes; k++)
        if (probabilities[i * classes + k] > probabilities[i * classes + best]) best = k;
      if (best === truth) correct++;
      loss -= Math.log(Math.min(Math.max(probabilities[i * classes + truth], 1e-15), 1 - 1e-15));
    });
    accuracy.push(correct / testAt.length);
    logLoss.push(loss / testAt.length);
  }
  return { folds, accuracy: meanStd(accuracy), logLoss: meanStd(logLoss) };
}
