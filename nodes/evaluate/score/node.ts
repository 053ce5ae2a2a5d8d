import {
  defineNode,
  modelInput,
  NodeError,
  quoteIdent,
  tableInput,
  type ColumnBatch,
  type ColumnInfo,
  type LogicalType,
  type ModelBundle,
} from '../../core/index.js';
import { scoreBatch } from '../../train/model-scoring.js';
import { modelFeatureBatch, ROW } from './model-rows.js';
import { evaluateScoreDescription } from './description.js';

export const evaluateScore = defineNode({
  ...evaluateScoreDescription,
  async run(ctx, inputs) {
    const model = modelInput(inputs);
    const input = tableInput(inputs);
    if (model.task === 'classification' && !model.classes?.length) {
      throw new NodeError('the model bundle is damaged: a classifier without its classes');
    }
    const classes = model.task === 'classification' ? (model.classes ?? []) : undefined;
    const batch = await modelFeatureBatch(ctx, model, input, 'scored_input');
    const outputs = await scoreBatch(model, batch, ctx.onnx);

    await ctx.sql.createTable(
      'predictions',
      classes ? predictionBatch(classes, outputs, batch.rowCount) : valueBatch(outputs, batch.rowCount),
    );
    const added = ['prediction', ...(classes ?? []).map((c) => `probability_${String(c)}`)];
    const replaced = input.columns.filter((c) => added.includes(c.name)).map((c) => quoteIdent(c.name));
    const out = await ctx.sql.writeTable(
      'out',
      `SELECT i.* EXCLUDE (${[ROW, ...replaced].join(', ')}), p.* EXCLUDE (${ROW})
       FROM scored_input AS i JOIN predictions AS p ON i.${ROW} = p.${ROW}
       ORDER BY i.${ROW}`,
      { transforms: input.transforms },
    );
    ctx.log(`scored ${out.rows} rows with the ${model.algorithm} model for "${model.label}"`);
    return {
      out: { ...out, scoring: { task: model.task, label: model.label, ...(classes ? { classes } : {}) } },
    };
  },
});

/** Regressors: the predicted number; clustering: the cluster index. */
function valueBatch(values: Float64Array, rows: number): ColumnBatch {
  return {
    rowCount: rows,
    columns: [
      { name: ROW, type: 'number', sqlType: 'DOUBLE' },
      { name: 'prediction', type: 'number', sqlType: 'DOUBLE' },
    ],
    values: [Float64Array.from({ length: rows }, (_, i) => i + 1), values],
  };
}

function predictionBatch(
  classes: NonNullable<ModelBundle['classes']>,
  probabilities: Float64Array,
  rows: number,
): ColumnBatch {
  const k = classes.length;
  const classType: LogicalType =
    typeof classes[0] === 'number' ? 'number' : typeof classes[0] === 'boolean' ? 'boolean' : 'string';
  const predicted: (string | boolean | null)[] = [];
  const predictedNumbers = new Float64Array(rows);
  const perClass = classes.map(() => new Float64Array(rows));
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[i * k + c];
      perClass[c][i] = p;
      if (p > probabilities[i * k + best]) best = c;
    }
    const value = classes[best];
    if (typeof value === 'number') predictedNumbers[i] = value;
    else predicted.push(value);
  }
  const rowNumbers = Float64Array.from({ length: rows }, (_, i) => i + 1);
  return {
    rowCount: rows,
    columns: [
      { name: ROW, type: 'number', sqlType: 'DOUBLE' },
      { name: 'prediction', type: classType, sqlType: classType === 'number' ? 'DOUBLE' : 'VARCHAR' },
      ...classes.map((c): ColumnInfo => ({ name: `probability_${String(c)}`, type: 'number', sqlType: 'DOUBLE' })),
    ],
    values: [rowNumbers, classType === 'number' ? predictedNumbers : predicted, ...perClass],
  };
}
