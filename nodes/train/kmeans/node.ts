import { NodeError } from '../../core/index.js';
import { defineTrainer } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { adjustedRandIndex, fitKmeans, predictKmeans } from './kmeans-model.js';
import { kmeansOnnx } from './kmeans-onnx.js';
import { kmeansDescription } from './description.js';

export const kmeansTrainer = defineTrainer(kmeansDescription, {
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
