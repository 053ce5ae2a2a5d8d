import { describe, expect, it } from 'vitest';
import type { RunDocument } from '@pipewright/nodes';
import { compareRuns, headlineMetric } from './run-comparison';

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
    expect(metrics.find((row) => row.label === 'metrics.accuracy')).toEqual({
      label: 'metrics.accuracy',
      left: '0.9000',
      right: '0.9500',
      differs: true,
    });
    expect(metrics.find((row) => row.label === 'metrics.f1')?.differs).toBe(false);
  });
});
