/**
 * Classification metrics over class indices, computed as scikit-learn
 * computes them: macro averages over the classes that occur in the truth or
 * the predictions, precision/recall of a never-predicted class counted as 0,
 * ROC AUC from ranks (ties averaged), log loss with probabilities clipped to
 * [1e-15, 1 − 1e-15].
 */

import type { ClassScoresMetric, RocCurveMetric } from '../core/metrics.js';

export interface ClassificationData {
  /** Class index of each row's true value. */
  truth: Int32Array;
  /** Class index of each row's prediction. */
  predicted: Int32Array;
  classCount: number;
  /** rows × classCount probabilities, when the model gives them. */
  probabilities?: Float64Array;
}

export type ClassScores = ClassScoresMetric;

/** threshold: the score at or above which rows count as positive; null for the (0, 0) start. */
export type RocPoint = RocCurveMetric['points'][number];

export interface ClassificationMetrics {
  rows: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Binary: of the second class; more classes: macro one-vs-rest. Null without probabilities or with one class present. */
  auc: number | null;
  logLoss: number | null;
  /** matrix[true class][predicted class]. */
  confusion: number[][];
  perClass: ClassScores[];
  /** Binary only: the ROC curve of the second class. */
  roc: RocPoint[] | null;
  /** More than two classes: each class's one-vs-rest ROC curve (null for a class absent from the truth). */
  rocByClass: (RocPoint[] | null)[] | null;
}

const CLIP = 1e-15;
/** More ROC points than a chart can show add nothing but bytes. */
const MAX_ROC_POINTS = 500;
/** Per class of a multiclass table: fewer, since there is one curve a class. */
const MAX_CLASS_ROC_POINTS = 200;

export function classificationMetrics(data: ClassificationData): ClassificationMetrics {
  const { truth, predicted, classCount: k, probabilities } = data;
  const rows = truth.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < rows; i++) {
    confusion[truth[i]][predicted[i]]++;
    if (truth[i] === predicted[i]) correct++;
  }
  const perClass = confusion.map((row, c): ClassScores => {
    const tp = row[c];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, r) => sum + r[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
  const present = perClass
    .map((scores, c) => ({ scores, c }))
    .filter(({ scores, c }) => scores.support > 0 || confusion.some((r) => r[c] > 0));
  const macro = (pick: (s: ClassScores) => number): number =>
    present.length ? present.reduce((sum, { scores }) => sum + pick(scores), 0) / present.length : 0;

  let auc: number | null = null;
  let logLoss: number | null = null;
  let roc: RocPoint[] | null = null;
  let rocByClass: (RocPoint[] | null)[] | null = null;
  if (probabilities && rows > 0) {
    const column = (c: number): Float64Array => Float64Array.from({ length: rows }, (_, i) => probabilities[i * k + c]);
    const isClass = (c: number): boolean[] => Array.from(truth, (t) => t === c);
    if (k === 2) {
      auc = rocAuc(column(1), isClass(1));
      roc = rocCurve(column(1), isClass(1));
    } else {
      const aucs = present.map(({ c }) => rocAuc(column(c), isClass(c))).filter((a): a is number => a !== null);
      auc = aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null;
      rocByClass = Array.from({ length: k }, (_, c) => rocCurve(column(c), isClass(c), MAX_CLASS_ROC_POINTS));
    }
    let loss = 0;
    for (let i = 0; i < rows; i++)
      loss -= Math.log(Math.min(Math.max(probabilities[i * k + truth[i]], CLIP), 1 - CLIP));
    logLoss = loss / rows;
  }

  return {
    rows,
    accuracy: rows ? correct / rows : 0,
    precision: macro((s) => s.precision),
    recall: macro((s) => s.recall),
    f1: macro((s) => s.f1),
    auc,
    logLoss,
    confusion,
    perClass,
    roc,
    rocByClass,
  };
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function rocAuc(scores: Float64Array, positive: boolean[]): number | null {
  const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) if (positive[order[i]]) rankSum += averageRank;
    start = end + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** ROC points at each distinct score, collinear points dropped (as scikit-learn's drop_intermediate does). */
export function rocCurve(scores: Float64Array, positive: boolean[], maxPoints = MAX_ROC_POINTS): RocPoint[] | null {
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    if (positive[order[i]]) tp++;
    else fp++;
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: scores[order[i]] });
  }
  const kept = points.filter((point, i) => {
    if (i === 0 || i === points.length - 1) return true;
    const before = points[i - 1];
    const after = points[i + 1];
    return (point.fpr - before.fpr) * (after.tpr - point.tpr) !== (point.tpr - before.tpr) * (after.fpr - point.fpr);
  });
  if (kept.length <= maxPoints) return kept;
  const step = (kept.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => kept[Math.round(i * step)]);
}
