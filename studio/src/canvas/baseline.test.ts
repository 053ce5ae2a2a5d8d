import { describe, expect, it } from 'vitest';
import { compareRuns } from '../pages/run-comparison';
import type { RunDocument } from '@pipewright/nodes/descriptions';
import { baselineVerdict } from './baseline';

describe('the baseline verdict', () => {
  it('flags a classifier that does not beat always answering the majority class, a tie included', () => {
    const below = baselineVerdict({ accuracy: 0.886, baselineAccuracy: 0.894, majorityClass: 'no damage' })!;
    expect(below.beats).toBe(false);
    expect(below.text).toContain('Accuracy 0.886 does not beat the majority-class baseline 0.894');
    expect(below.text).toContain('always answering “no damage”');
    expect(baselineVerdict({ accuracy: 0.9, baselineAccuracy: 0.9, majorityClass: 'a' })!.beats).toBe(false);
    expect(baselineVerdict({ accuracy: 0.95, baselineAccuracy: 0.9, majorityClass: 'a' })!.beats).toBe(true);
  });

  it('flags a regressor whose R² is not above the mean predictor’s 0', () => {
    const verdict = baselineVerdict({ r2: -0.02, baselineR2: 0, rmse: 3, baselineRmse: 2.9 })!;
    expect(verdict).toMatchObject({ metric: 'r2', beats: false });
    expect(verdict.text).toContain('does not beat always predicting the mean');
    expect(baselineVerdict({ r2: 0.6, baselineR2: 0 })!.beats).toBe(true);
  });

  it('says nothing of metrics without a baseline (a profile, an older run)', () => {
    expect(baselineVerdict({ columns: 8, rows: 100 })).toBeNull();
    expect(baselineVerdict({ accuracy: 0.9 })).toBeNull();
  });

  it('marks the compared figure of a run whose model does not beat it', () => {
    const run = (accuracy: number): RunDocument => ({
      id: `run-${accuracy}`,
      pipelineId: 'p',
      version: 1,
      status: 'succeeded',
      params: {},
      trigger: { kind: 'user', userId: 'u' },
      datasets: [],
      createdAt: '2026-01-01T00:00:00Z',
      startedAt: null,
      finishedAt: null,
      nodes: {
        metrics: {
          status: 'succeeded',
          cached: false,
          durationMs: 5,
          progress: 100,
          metrics: { accuracy, baselineAccuracy: 0.894, majorityClass: 'none' },
        },
      },
    });
    const row = compareRuns(run(0.886), run(0.93)).metrics.find((r) => r.label === 'metrics — accuracy')!;
    expect(row.leftFlag).toContain('does not beat');
    expect(row.rightFlag).toBeUndefined();
  });
});
