import { z } from 'zod';
import { columnParam, columnsParam, NodeError } from '../../core/index.js';
import { defineTrainer } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { adjustedRandIndex, fitKmeans, predictKmeans } from './kmeans-model.js';
import { kmeansOnnx } from './kmeans-onnx.js';

export const kmeansTrainer = defineTrainer({
  algorithm: 'kmeans',
  title: 'k-means clustering',
  description: 'Group rows into k clusters of similar feature values.',
  docs: {
    summary:
      'Finds `k` centres so that every row is close to its nearest one (k-means++ starts, then Lloyd iterations, ' +
      'the best of `nInit` starts, as scikit-learn’s KMeans). Numeric features are standardised (missing values get ' +
      'the training mean), text features one-hot encoded. evaluate.score then gives each row its cluster (0 to ' +
      'k − 1) as `prediction`. With `label` (a column that is not a feature) the model also reports the adjusted ' +
      'Rand index of the clusters against it: 1 is the same grouping, about 0 no better than chance.',
    params: {
      features: 'Columns to cluster on. Empty: every column (except `label`).',
      k: 'Number of clusters.',
      nInit: 'Starts tried; the one with the smallest within-cluster spread is kept.',
      maxIter: 'Most Lloyd iterations per start.',
      seed: 'Seeds the starts: the same clusters on every run.',
      label: 'A column of known groups to compare the clusters with (optional; never used to fit).',
    },
    example: '{ "type": "train.kmeans", "params": { "k": 3, "label": "species" } }',
  },
  params: z
    .object({
      features: columnsParam().default([]),
      k: z.number().int().min(1).max(1000).default(3),
      nInit: z.number().int().min(1).max(100).default(10),
      maxIter: z.number().int().min(1).max(10_000).default(300),
      seed: z.number().int().min(0).default(0),
      label: columnParam().optional(),
    })
    .strict(),
  queue: 'cpu',
  tasks: ['clustering'],
  standardize: true,
  async fit(ctx, data, p, hooks) {
    const { batch } = data;
    if (p.k > batch.rowCount) {
      throw new NodeError(`k (${p.k}) is more than the ${batch.rowCount} rows`, { param: 'k' });
    }
    const x = encodeFeatures(data.encoding, batch);
    const fit = await fitKmeans(x, data.encoding.width, {
      k: p.k,
      nInit: p.nInit,
      maxIter: p.maxIter,
      seed: p.seed,
      onRun: (done) => hooks.progress(done / p.nInit, { detail: `start ${done} of ${p.nInit}` }),
    });
    const sizes = new Array<number>(p.k).fill(0);
    for (const cluster of fit.labels) sizes[cluster]++;
    let ari: number | undefined;
    if (p.label !== undefined) {
      const index = batch.columns.findIndex((c) => c.name === p.label);
      const truth = Array.from({ length: batch.rowCount }, (_, row) => batch.values[index][row]);
      const known = truth.flatMap((value, row) =>
        value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? [] : [row],
      );
      ari = adjustedRandIndex(
        known.map((row) => truth[row]),
        known.map((row) => fit.labels[row]),
      );
      ctx.log(`adjusted Rand index against "${p.label}" on the training rows: ${ari.toFixed(4)}`);
    }
    ctx.log(
      `clustered ${batch.rowCount} rows into ${p.k} clusters (sizes ${sizes.join(', ')}), inertia ${fit.state.inertia.toFixed(4)}`,
    );
    return {
      state: { ...fit.state },
      summary: {
        k: p.k,
        nInit: p.nInit,
        iterations: fit.iterations,
        inertia: fit.state.inertia,
        clusterSizes: sizes,
        ...(p.label !== undefined && ari !== undefined ? { label: p.label, ari } : {}),
      },
    };
  },
  predict: predictKmeans,
  onnx: kmeansOnnx,
});
