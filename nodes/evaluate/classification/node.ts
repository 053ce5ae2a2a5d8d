import {
  defineNode,
  NodeError,
  quoteIdent,
  requireColumn,
  tableInput,
  type ColumnBatch,
  type MetricsValue,
  type SqlEngine,
} from '../../core/index.js';
import { compareClasses, type ClassValue } from '../../train/class-labels.js';
import { classificationMetrics } from '../classification-metrics.js';
import { scoredLabelColumn } from '../scored-label.js';
import { evaluateClassificationDescription } from './description.js';

export const evaluateClassification = defineNode({
  ...evaluateClassificationDescription,
  async run(ctx, inputs, p) {
    const input = tableInput(inputs);
    const label = scoredLabelColumn(input, p.label, 'true-class');
    requireColumn(input, 'prediction');

    const known = input.scoring?.classes ?? (await distinctClasses(ctx.sql, ctx.sql.from(input), label.name));
    const probabilityColumns = known.map((c) => `probability_${String(c)}`);
    const hasProbabilities =
      known.length > 0 && probabilityColumns.every((name) => input.columns.some((c) => c.name === name));
    const select = [label.name, 'prediction', ...(hasProbabilities ? probabilityColumns : [])]
      .map(quoteIdent)
      .join(', ');
    const batch = await ctx.sql.columns(`SELECT ${select} FROM ${ctx.sql.from(input)}`);
    if (!hasProbabilities)
      ctx.log('no probability_<class> column for every class: auc, log loss and the ROC curve are left out', 'warn');

    const scored = classIndices(batch, known);
    if (scored.skipped) ctx.log(`left out ${scored.skipped} rows without a true class`, 'warn');
    if (scored.truth.length === 0) throw new NodeError(`no row has a value in "${label.name}"`, { column: label.name });
    const k = scored.classes.length;
    const probabilities = hasProbabilities ? new Float64Array(scored.truth.length * k) : undefined;
    if (probabilities) {
      scored.rows.forEach((row, i) => {
        known.forEach((_, c) => {
          const value = (batch.values[2 + c] as Float64Array)[row];
          probabilities[i * k + c] = Number.isNaN(value) ? 0 : value;
        });
      });
    }
    const m = classificationMetrics({ truth: scored.truth, predicted: scored.predicted, classCount: k, probabilities });
    const names = scored.classes.map(String);
    // Always answering the most common true class (scikit-learn's DummyClassifier "most_frequent"): a model
    // that does not beat it has learned nothing from the features.
    const majority = m.perClass.reduce((best, scores, c) => (scores.support > m.perClass[best].support ? c : best), 0);
    const metrics: MetricsValue['metrics'] = {
      rows: m.rows,
      accuracy: m.accuracy,
      precision: m.precision,
      recall: m.recall,
      f1: m.f1,
      auc: m.auc,
      logLoss: m.logLoss,
      confusionMatrix: { labels: scored.classes, matrix: m.confusion },
      perClass: Object.fromEntries(names.map((name, c) => [name, m.perClass[c]])),
      baselineAccuracy: m.rows ? m.perClass[majority].support / m.rows : 0,
      majorityClass: names[majority],
    };
    if (m.roc) metrics.rocCurve = { positive: scored.classes[1], points: m.roc };
    if (m.rocByClass) {
      metrics.rocCurves = m.rocByClass.flatMap((points, c) =>
        points ? [{ positive: scored.classes[c], points }] : [],
      );
    }
    ctx.log(
      `accuracy ${m.accuracy.toFixed(4)} on ${m.rows} rows; always answering "${names[majority]}" scores ${Number(metrics.baselineAccuracy).toFixed(4)}`,
    );
    if (m.accuracy <= Number(metrics.baselineAccuracy))
      ctx.log('the model does not beat always answering the most common class', 'warn');
    const value: MetricsValue = { kind: 'metrics', key: `${ctx.jobKey}:metrics`, metrics };
    return { metrics: value };
  },
});

/** The classes of a table not scored here: the true and predicted values, sorted. */
async function distinctClasses(sql: SqlEngine, source: string, label: string): Promise<ClassValue[]> {
  const rows = await sql.all(
    `SELECT DISTINCT value FROM (SELECT ${quoteIdent(label)} AS value FROM ${source} UNION ALL SELECT prediction FROM ${source}) WHERE value IS NOT NULL`,
  );
  return rows
    .map((row) => (typeof row.value === 'bigint' ? Number(row.value) : (row.value as ClassValue)))
    .sort(compareClasses);
}

/**
 * Class indices of the true and predicted values. The model's classes come
 * first, in its order (the probability columns follow it); a class only
 * the data has is added after them, sorted.
 */
function classIndices(
  batch: ColumnBatch,
  known: ClassValue[],
): { classes: ClassValue[]; rows: number[]; truth: Int32Array; predicted: Int32Array; skipped: number } {
  const read = (column: number, row: number): ClassValue | undefined => {
    const value = batch.values[column][row];
    return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))
      ? undefined
      : value;
  };
  const keyOf = (value: ClassValue): string => String(value);
  const classes = [...known];
  const seen = new Set(known.map(keyOf));
  const extra: ClassValue[] = [];
  for (let row = 0; row < batch.rowCount; row++) {
    for (const column of [0, 1]) {
      const value = read(column, row);
      if (value !== undefined && !seen.has(keyOf(value))) {
        seen.add(keyOf(value));
        extra.push(value);
      }
    }
  }
  classes.push(...extra.sort(compareClasses));
  const index = new Map(classes.map((c, i) => [keyOf(c), i]));
  const rows: number[] = [];
  const truth: number[] = [];
  const predicted: number[] = [];
  for (let row = 0; row < batch.rowCount; row++) {
    const t = read(0, row);
    const p = read(1, row);
    if (t === undefined || p === undefined) continue;
    rows.push(row);
    truth.push(index.get(keyOf(t)) as number);
    predicted.push(index.get(keyOf(p)) as number);
  }
  return {
    classes,
    rows,
    truth: Int32Array.from(truth),
    predicted: Int32Array.from(predicted),
    skipped: batch.rowCount - rows.length,
  };
}
