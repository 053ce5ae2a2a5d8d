import { describe, expect, it } from 'vitest';
import type { RunDocument, RunEvent, RunEventBody } from '@pipewright/nodes/descriptions';
import type { TuningReport } from '@pipewright/nodes/descriptions';
import { applyRunEvent, emptyRunView, mergeRunDocument, tuningOf, type RunView } from './run-state';

function play(bodies: RunEventBody[], from: RunView = emptyRunView('run-1')): RunView {
  return bodies.reduce<RunView>((run, body, index) => {
    const event = {
      ...body,
      runId: 'run-1',
      seq: run.lastSeq + 1,
      at: new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString(),
    } as RunEvent;
    return applyRunEvent(run, event);
  }, from);
}

describe('applyRunEvent', () => {
  it('follows a node from queued through running with progress to succeeded', () => {
    let run = play([{ type: 'run-started' }, { type: 'node-queued', nodeId: 'train' }]);
    expect(run.status).toBe('running');
    expect(run.nodes.train.status).toBe('queued');

    run = play(
      [
        { type: 'node-started', nodeId: 'train' },
        { type: 'node-progress', nodeId: 'train', pct: 40, epoch: 20, epochs: 50, loss: 0.31 },
      ],
      run,
    );
    expect(run.nodes.train).toMatchObject({ status: 'running', progress: 0.4, epoch: 20, epochs: 50, loss: 0.31 });

    run = play(
      [
        {
          type: 'node-finished',
          nodeId: 'train',
          cached: false,
          durationMs: 1234,
          outputs: [{ port: 'model', kind: 'model' }],
        },
      ],
      run,
    );
    expect(run.nodes.train).toMatchObject({ status: 'succeeded', progress: 1, durationMs: 1234 });
    expect(run.nodes.train.loss).toBe(0.31);
  });

  it('shows a cache hit as cached and keeps the metrics an evaluate node reports', () => {
    const run = play([
      {
        type: 'node-finished',
        nodeId: 'metrics',
        cached: true,
        durationMs: 3,
        outputs: [],
        metrics: { accuracy: 0.96, f1: 0.95 },
      },
    ]);
    expect(run.nodes.metrics.status).toBe('cached');
    expect(run.nodes.metrics.metrics).toEqual({ accuracy: 0.96, f1: 0.95 });
  });

  it('keeps the error of a failed node and the final run status', () => {
    const run = play([
      { type: 'node-started', nodeId: 'source' },
      {
        type: 'node-failed',
        nodeId: 'source',
        error: { message: 'line 7 has 3 fields; the other lines have 31', row: 7 },
      },
      { type: 'run-finished', status: 'failed' },
    ]);
    expect(run.nodes.source.status).toBe('failed');
    expect(run.nodes.source.error?.message).toContain('line 7');
    expect(run.status).toBe('failed');
    expect(run.finishedAt).not.toBeNull();
  });

  it('ignores an event it has already seen, so a replay after reconnecting changes nothing', () => {
    const run = play([
      { type: 'node-started', nodeId: 'a' },
      { type: 'node-progress', nodeId: 'a', pct: 50 },
    ]);
    const replayed = applyRunEvent(run, {
      type: 'node-started',
      nodeId: 'a',
      runId: 'run-1',
      seq: 1,
      at: '2025-01-01T00:00:00.000Z',
    });
    expect(replayed).toBe(run);
    expect(replayed.nodes.a.progress).toBe(0.5);
  });
});

describe('training curves', () => {
  it('keeps one point per epoch with loss and validation loss, for the live loss curve', () => {
    const run = play([
      { type: 'node-started', nodeId: 'train' },
      { type: 'node-progress', nodeId: 'train', pct: 10, epoch: 1, epochs: 3, loss: 0.9, valLoss: 1.0 },
      { type: 'node-progress', nodeId: 'train', pct: 20, detail: 'batch 4' },
      { type: 'node-progress', nodeId: 'train', pct: 40, epoch: 2, epochs: 3, loss: 0.5, valLoss: 0.7 },
      { type: 'node-progress', nodeId: 'train', pct: 70, epoch: 3, epochs: 3, loss: 0.3 },
    ]);
    expect(run.nodes.train.history).toEqual([
      { epoch: 1, loss: 0.9, valLoss: 1.0, metrics: undefined },
      { epoch: 2, loss: 0.5, valLoss: 0.7, metrics: undefined },
      { epoch: 3, loss: 0.3, valLoss: undefined, metrics: undefined },
    ]);
  });

  it('starts the curve afresh when a job is retried and counts epochs from 1 again', () => {
    const run = play([
      { type: 'node-started', nodeId: 'train' },
      { type: 'node-progress', nodeId: 'train', pct: 10, epoch: 1, loss: 0.9 },
      { type: 'node-progress', nodeId: 'train', pct: 20, epoch: 2, loss: 0.8 },
      { type: 'node-progress', nodeId: 'train', pct: 10, epoch: 1, loss: 0.95 },
    ]);
    expect(run.nodes.train.history.map((point) => point.loss)).toEqual([0.95]);
  });

  it('gives a failed or cancelled node the time it ran', () => {
    const run = play([
      { type: 'node-started', nodeId: 'a' },
      { type: 'node-cancelled', nodeId: 'a' },
    ]);
    expect(run.nodes.a).toMatchObject({ status: 'cancelled', durationMs: 1000 });
  });
});

describe('tuning trials', () => {
  const trial = (n: number, mean: number) => ({
    trial: n,
    params: { maxDepth: n },
    score: { mean, std: 0.01, values: [mean] },
    cv: { folds: 1 },
  });
  const report = (trials: ReturnType<typeof trial>[], best: number): TuningReport => ({
    trainer: 'train.tree',
    search: 'grid',
    metric: 'accuracy',
    goal: 'max',
    folds: 3,
    planned: 3,
    trials,
    best,
  });

  it('shows the trials table each progress event carries, then the one the finished node reports', () => {
    let run = play([
      { type: 'run-started' },
      { type: 'node-started', nodeId: 'tune' },
      { type: 'node-progress', nodeId: 'tune', pct: 30, tuning: report([trial(2, 0.9)], 2) },
      { type: 'node-log', nodeId: 'tune', level: 'info', message: 'a log line keeps the table' },
    ]);
    expect(tuningOf(run.nodes.tune)?.trials.map((t) => t.trial)).toEqual([2]);
    run = play(
      [{ type: 'node-progress', nodeId: 'tune', pct: 60, tuning: report([trial(1, 0.95), trial(2, 0.9)], 1) }],
      run,
    );
    expect(tuningOf(run.nodes.tune)).toMatchObject({ best: 1, trials: [{ trial: 1 }, { trial: 2 }] });
    const done = report([trial(1, 0.95), trial(2, 0.9), trial(3, 0.97)], 3);
    run = play(
      [
        {
          type: 'node-finished',
          nodeId: 'tune',
          cached: false,
          durationMs: 10,
          outputs: [],
          metrics: { tuning: done },
        },
      ],
      run,
    );
    expect(tuningOf(run.nodes.tune)?.best).toBe(3);
    // A retried job starts its table afresh.
    const retried = play(
      [{ type: 'node-started', nodeId: 'tune' }],
      play(
        [{ type: 'node-progress', nodeId: 'tune', pct: 1, tuning: report([trial(1, 0.9)], 1) }],
        emptyRunView('run-1'),
      ),
    );
    expect(retried.nodes.tune.tuning).toBeUndefined();
  });
});

describe('mergeRunDocument', () => {
  it('takes status, duration and metrics from the run document and keeps the logs seen live', () => {
    const live = play([{ type: 'node-log', nodeId: 'metrics', level: 'info', message: 'scored 114 rows' }]);
    const document: RunDocument = {
      id: 'run-1',
      pipelineId: 'p',
      version: 1,
      status: 'succeeded',
      params: {},
      trigger: { kind: 'user', userId: 'u' },
      datasets: [],
      nodes: {
        metrics: { status: 'succeeded', cached: false, durationMs: 80, progress: 100, metrics: { accuracy: 0.97 } },
      },
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: '2025-01-01T00:00:09.000Z',
    };
    const merged = mergeRunDocument(live, document);
    expect(merged.status).toBe('succeeded');
    expect(merged.nodes.metrics).toMatchObject({
      status: 'succeeded',
      durationMs: 80,
      progress: 1,
      metrics: { accuracy: 0.97 },
    });
    expect(merged.nodes.metrics.logs.map((line) => line.message)).toEqual(['scored 114 rows']);
  });
});
