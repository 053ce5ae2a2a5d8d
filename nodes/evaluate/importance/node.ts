import {
  defineNode,
  modelInput,
  NodeError,
  quoteIdent,
  requireColumn,
  tableInput,
  type FeatureImportance,
  type ImportanceMetricsReport,
  type ColumnBatch,
  type ModelBundle,
  type NodeContext,
} from '../../core/index.js';
import { seededRandom, shuffleInPlace } from '../../train/cross-validation.js';
import { modelFeatureBatch, ROW } from '../score/model-rows.js';
import { evaluateImportanceDescription } from './description.js';
import { bestClass } from '../../train/class-labels.js';
import { scoreBatch } from '../../train/model-scoring.js';
import { regressionMetrics } from '../regression-metrics.js';

/** The true values of the rows that have one: class indices (classification) or numbers. */
interface Truth {
  rows: Int32Array;
  values: Int32Array | Float64Array;
}

function truthOf(model: ModelBundle, batch: ColumnBatch, column: string): Truth {
  const values = batch.values[0];
  const rows: number[] = [];
  if (model.task === 'classification') {
    const position = new Map((model.classes ?? []).map((c, i) => [String(c), i]));
    const targets: number[] = [];
    for (let row = 0; row < batch.rowCount; row++) {
      const v = values[row];
      if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
      const k = position.get(String(v));
      // A class the model never saw can never be predicted: it counts as a miss.
      rows.push(row);
      targets.push(k ?? -1);
    }
    return { rows: Int32Array.from(rows), values: Int32Array.from(targets) };
  }
  if (!(values instanceof Float64Array)) {
    throw new NodeError(
      `label "${column}" holds ${batch.columns[0].type} values; the ${model.algorithm} model predicts numbers`,
      {
        param: 'label',
        column,
      },
    );
  }
  for (let row = 0; row < batch.rowCount; row++) if (!Number.isNaN(values[row])) rows.push(row);
  return { rows: Int32Array.from(rows), values: Float64Array.from(rows, (row) => values[row]) };
}

/** Accuracy (classifiers) or R² (regressors) of the model on the rows with a true value. */
async function score(model: ModelBundle, batch: ColumnBatch, truth: Truth, onnx: NodeContext['onnx']): Promise<number> {
  const outputs = await scoreBatch(model, batch, onnx, truth.rows);
  if (model.task !== 'classification') return regressionMetrics(truth.values as Float64Array, outputs).r2;
  const k = model.classes?.length ?? 0;
  let correct = 0;
  truth.values.forEach((target, i) => {
    if (bestClass(outputs, i, k) === target) correct++;
  });
  return correct / truth.values.length;
}

export const evaluateImportance = defineNode({
  ...evaluateImportanceDescription,
  async run(ctx, inputs, p) {
    const model = modelInput(inputs);
    const input = tableInput(inputs);
    if (model.task === 'clustering') {
      throw new NodeError(`a clustering model (${model.algorithm}) has no label to lose accuracy on`);
    }
    const labelName = p.label ?? model.label;
    if (!labelName) throw new NodeError('set label: the model does not name its label', { param: 'label' });
    const label = requireColumn(input, labelName, 'label');

    const batch = await modelFeatureBatch(ctx, model, input, 'importance_input');
    const labelBatch = await ctx.sql.columns(`SELECT ${quoteIdent(label.name)} FROM importance_input ORDER BY ${ROW}`);
    const truth = truthOf(model, labelBatch, label.name);
    if (truth.rows.length < 2) {
      throw new NodeError(`label "${label.name}" has ${truth.rows.length} values; importance needs at least two rows`, {
        param: 'label',
        column: label.name,
      });
    }
    const metric = model.task === 'classification' ? 'accuracy' : 'r2';
    const baseline = await score(model, batch, truth, ctx.onnx);
    const random = seededRandom(p.seed);
    const features = model.encoding.features.map((f) => f.column);
    const importances: FeatureImportance[] = [];
    for (const [f, feature] of features.entries()) {
      const column = batch.columns.findIndex((c) => c.name === feature);
      const original = batch.values[column];
      const drops: number[] = [];
      for (let r = 0; r < p.repeats; r++) {
        const order = Array.from(truth.rows);
        shuffleInPlace(order, random);
        const shuffled = original instanceof Float64Array ? Float64Array.from(original) : [...original];
        truth.rows.forEach((row, i) => (shuffled[row] = original[order[i]]));
        const values = batch.values.slice();
        values[column] = shuffled;
        drops.push(baseline - (await score(model, { ...batch, values }, truth, ctx.onnx)));
      }
      const mean = drops.reduce((a, b) => a + b, 0) / drops.length;
      const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / drops.length);
      importances.push({ feature, importance: mean, std });
      ctx.progress(((f + 1) / features.length) * 100, { detail: `feature ${f + 1} of ${features.length}` });
      if (ctx.signal.aborted) throw new NodeError('cancelled');
    }
    importances.sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
    const top = importances
      .slice(0, 3)
      .map((i) => `${i.feature} ${i.importance.toFixed(4)}`)
      .join(', ');
    ctx.log(`${metric} ${baseline.toFixed(4)} on ${truth.rows.length} rows; most important: ${top}`);
    const report: ImportanceMetricsReport = {
      rows: truth.rows.length,
      metric,
      baseline,
      repeats: p.repeats,
      importances,
    };
    return { metrics: { kind: 'metrics', key: `${ctx.jobKey}:metrics`, metrics: { ...report } } };
  },
});
