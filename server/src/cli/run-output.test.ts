import type { PlanJob, RunDocument } from '@pipewright/nodes';
import { describe, expect, it } from 'vitest';
import { cliRunDocument, deploymentReport, describeFailure, runReport } from './run-output.js';

const job = (nodeId: string, type: string): PlanJob => ({
  nodeId,
  type,
  version: 1,
  params: {},
  inputs: {},
  dependsOn: [],
  queue: 'cpu',
});

const document: RunDocument = {
  id: 'r',
  pipelineId: null,
  version: null,
  status: 'succeeded',
  params: {},
  trigger: { kind: 'cli' },
  datasets: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:02.500Z',
  nodes: {
    source: { status: 'cached', cached: true, durationMs: 3, progress: 100 },
    metrics: {
      status: 'succeeded',
      cached: false,
      durationMs: 40,
      progress: 100,
      metrics: {
        accuracy: 0.9824561,
        rows: 114,
        confusionMatrix: {
          labels: ['benign', 'malignant'],
          matrix: [
            [71, 0],
            [2, 41],
          ],
        },
      },
    },
  },
};

describe('runReport', () => {
  it('ends a run with its outcome and the metrics of every evaluate node', () => {
    const text = runReport(document, [job('source', 'source.csv'), job('metrics', 'evaluate.classification')]).join(
      '\n',
    );
    expect(text).toContain('Run succeeded in 2.5 s: 2 nodes (1 ran, 1 cached)');
    expect(text).toContain('metrics (evaluate.classification):');
    expect(text).toMatch(/accuracy\s+0\.9825/);
    expect(text).toMatch(/benign\s+71\s+0/);
    expect(text).toMatch(/malignant\s+2\s+41/);
  });

  it("shows a trainer's cross-validation and the most important features with bars", () => {
    const withExtras: RunDocument = {
      ...document,
      nodes: {
        train: {
          status: 'succeeded',
          cached: false,
          durationMs: 900,
          progress: 100,
          metrics: { cv: { folds: 5, accuracy: { mean: 0.956, std: 0.0151, values: [0.94, 0.95, 0.96, 0.97, 0.96] } } },
        },
        importance: {
          status: 'succeeded',
          cached: false,
          durationMs: 50,
          progress: 100,
          metrics: {
            metric: 'accuracy',
            importances: [
              { feature: 'worst_radius', importance: 0.08, std: 0.01 },
              { feature: 'mean_texture', importance: 0.02, std: 0.005 },
            ],
          },
        },
      },
    };
    const text = runReport(withExtras, [job('train', 'train.logistic'), job('importance', 'evaluate.importance')]).join(
      '\n',
    );
    expect(text).toContain('train (train.logistic):');
    expect(text).toContain('cross-validation (5 folds): accuracy 0.9560 ± 0.0151');
    expect(text).toMatch(/worst_radius\s+0\.0800 ± 0\.0100 {2}█{20}\n/);
    expect(text).toMatch(/mean_texture\s+0\.0200 ± 0\.0050 {2}█{5}$/);
  });

  it('names each failed node and why', () => {
    const failed: RunDocument = {
      ...document,
      status: 'failed',
      nodes: {
        train: {
          status: 'failed',
          cached: false,
          durationMs: 5,
          progress: 0,
          error: { message: 'column "x" is not in the table', column: 'x', param: 'label' },
        },
      },
    };
    expect(runReport(failed, [job('train', 'train.logistic')]).join('\n')).toContain(
      'node "train" failed: column "x" is not in the table (param "label", column "x")',
    );
  });
});

describe('cliRunDocument', () => {
  it('keeps status, and per node status, cached, duration, metrics and error', () => {
    const cli = cliRunDocument(document);
    expect(Object.keys(cli)).toEqual(['status', 'nodes']);
    expect(cli.nodes.source).toEqual({ status: 'cached', cached: true, durationMs: 3 });
    expect(cli.nodes.metrics.metrics?.accuracy).toBe(0.9824561);
  });
});

describe('deployments', () => {
  const first = { nodeId: 'deploy', name: 'cancer', version: 1, serving: true, apiKey: 'pwk_secret' };
  const later = { nodeId: 'deploy', name: 'cancer', version: 2, serving: true };
  const refused = { nodeId: 'other', name: 'taken', error: 'deployment "taken" belongs to another workspace' };

  it('says where a new version answers, and shows the key of a new deployment only', () => {
    const text = deploymentReport([first]).join('\n');
    expect(text).toMatch(/Deployed "cancer" version 1 \(node "deploy"\)/);
    expect(text).toMatch(/POST \/api\/predict\/cancer/);
    expect(text).toMatch(/API key, shown only this once \(keep it\): pwk_secret/);
    const again = deploymentReport([later]).join('\n');
    expect(again).toMatch(/Deployed "cancer" version 2/);
    expect(again).not.toMatch(/pwk_|shown only this once/);
    expect(deploymentReport([refused])).toEqual([]);
  });

  it('adds them to the --json document only when the run has some', () => {
    expect(cliRunDocument(document)).not.toHaveProperty('deployments');
    expect(cliRunDocument(document, [first, later, refused]).deployments).toEqual([
      {
        nodeId: 'deploy',
        name: 'cancer',
        version: 1,
        predictPath: '/api/predict/cancer',
        serving: true,
        apiKey: 'pwk_secret',
      },
      { nodeId: 'deploy', name: 'cancer', version: 2, predictPath: '/api/predict/cancer', serving: true },
      refused,
    ]);
  });

  it('says why a challenger serves, and why one does not with how an admin promotes it', () => {
    const decision = {
      policy: 'ifBetter' as const,
      metric: 'accuracy',
      challenger: 0.9825,
      champion: { version: 2, value: 0.9912 },
      rows: 114,
      evaluatedBy: 'metrics',
    };
    const won = deploymentReport([
      {
        ...later,
        version: 3,
        decision: { ...decision, promoted: true, reason: 'accuracy 0.9912 against v2’s 0.9825: better by 0.0087' },
      },
    ]).join('\n');
    expect(won).toMatch(/Deployed "cancer" version 3 [\s\S]*It serves: accuracy 0.9912 against v2’s 0.9825/);
    const kept = deploymentReport([
      {
        ...later,
        version: 3,
        serving: false,
        decision: { ...decision, promoted: false, reason: 'accuracy 0.9825 against v2’s 0.9912: worse by 0.0087' },
      },
    ]).join('\n');
    expect(kept).toMatch(/Kept "cancer" version 3 as a candidate that does not serve/);
    expect(kept).toMatch(/Why: accuracy 0.9825 against v2’s 0.9912: worse by 0.0087\./);
    expect(kept).toMatch(/POST \/api\/deployments\/cancer\/promote \{"version": 3\}/);
    expect(kept).not.toMatch(/Deployed/);
  });
});

describe('describeFailure', () => {
  it('adds the row when there is one', () => {
    expect(describeFailure({ message: 'ragged row', row: 12 })).toBe('ragged row (row 12)');
  });
});
