import { describe, expect, it } from 'vitest';
import type { RunDocument } from '@pipewright/nodes/descriptions';
import { compareRuns, headlineMetric, type RunGraph } from './run-comparison';

const run = (params: Record<string, unknown>, accuracy: number): RunDocument => ({
  id: `run-${accuracy}`,
  pipelineId: 'p',
  version: 1,
  status: 'succeeded',
  params,
  trigger: { kind: 'user', userId: 'u' },
  datasets: [],
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: null,
  finishedAt: null,
  nodes: {
    train: { status: 'succeeded', cached: false, durationMs: 10, progress: 100 },
    metrics: { status: 'succeeded', cached: false, durationMs: 5, progress: 100, metrics: { accuracy, f1: 0.9 } },
  },
});

describe('comparing runs', () => {
  it('takes accuracy as the headline metric', () => {
    expect(headlineMetric(run({}, 0.95))).toEqual({ nodeId: 'metrics', key: 'accuracy', value: 0.95 });
  });

  it('lines up params and metrics of two runs and marks what differs', () => {
    const { params, metrics } = compareRuns(run({ seed: 1, rate: 0.1 }, 0.9), run({ seed: 2, rate: 0.1 }, 0.95));
    expect(params).toEqual([
      { label: 'rate', left: '0.1', right: '0.1', differs: false },
      { label: 'seed', left: '1', right: '2', differs: true },
    ]);
    expect(metrics.find((row) => row.label === 'metrics — accuracy')).toEqual({
      label: 'metrics — accuracy',
      left: '0.9000',
      right: '0.9500',
      differs: true,
    });
    expect(metrics.find((row) => row.label === 'metrics — f1')?.differs).toBe(false);
  });

  /** profile first, then two trainers each scored and evaluated: forest (labelled) and logistic (not). */
  const graph: RunGraph = {
    nodes: [
      { id: 'profile', type: 'explore.profile' },
      { id: 'forest', type: 'train.forest', label: 'Forest' },
      { id: 'train_logistic', type: 'train.logistic' },
      { id: 'score', type: 'evaluate.score' },
      { id: 'score_2', type: 'evaluate.score' },
      { id: 'evaluate_classification', type: 'evaluate.classification' },
      { id: 'evaluate_classification_2', type: 'evaluate.classification', label: 'Logistic metrics' },
    ],
    edges: [
      { from: 'forest.model', to: 'score.model' },
      { from: 'train_logistic.model', to: 'score_2.model' },
      { from: 'score.out', to: 'evaluate_classification.in' },
      { from: 'score_2.out', to: 'evaluate_classification_2.in' },
    ],
  };
  const twoModels = (forest: number, logistic: number): RunDocument => ({
    ...run({}, 0),
    nodes: {
      profile: { status: 'succeeded', cached: false, durationMs: 1, progress: 100, metrics: { columns: 8 } },
      evaluate_classification: {
        status: 'succeeded',
        cached: false,
        durationMs: 1,
        progress: 100,
        metrics: { accuracy: forest },
      },
      evaluate_classification_2: {
        status: 'succeeded',
        cached: false,
        durationMs: 1,
        progress: 100,
        metrics: { accuracy: logistic },
      },
    },
  });

  it('headlines the first evaluation’s main metric, never a profile’s column count', () => {
    expect(headlineMetric(twoModels(0.88, 0.91), graph)).toEqual({
      nodeId: 'evaluate_classification',
      key: 'accuracy',
      value: 0.88,
    });
    // Without the pipeline, a profile's counts are still no headline.
    expect(headlineMetric(twoModels(0.88, 0.91))).toMatchObject({ key: 'accuracy', value: 0.88 });
  });

  it('names each evaluation by its label and the trainer behind it', () => {
    const { metrics } = compareRuns(twoModels(0.88, 0.91), twoModels(0.9, 0.91), { left: graph, right: graph });
    expect(metrics.map((row) => row.label)).toEqual([
      'profile — columns',
      'evaluate_classification · Forest — accuracy',
      'Logistic metrics · train_logistic (Logistic regression) — accuracy',
    ]);
  });
});
