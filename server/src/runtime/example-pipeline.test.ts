import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compilePipeline, registry, type MetricsValue, type PortValue } from '@pipewright/nodes';
import { LocalArtifactStore } from './artifact-store.js';
import { executeNode } from './execute-node.js';
import { loadTensorFlow } from './tensorflow-backend.js';
import { REPO_ROOT } from './testing.js';
import type { ExecuteNodeDeps } from './types.js';

let deps: ExecuteNodeDeps;
const pipeline = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/breast-cancer.json'), 'utf8')) as {
  nodes: { id: string; params: Record<string, unknown> }[];
};

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'pipewright-example-'));
  deps = {
    store: new LocalArtifactStore(join(base, 'store')),
    tf: (await loadTensorFlow({ log: () => undefined })).tf,
    dataDirs: [join(REPO_ROOT, 'examples')],
    workDir: join(base, 'work'),
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onLog: () => undefined,
  };
});

/** Runs a compiled plan job by job, as a worker would; returns which jobs were cached and every output. */
async function runPipeline(
  file: unknown,
): Promise<{ cached: Record<string, boolean>; outputs: Map<string, PortValue> }> {
  const plan = compilePipeline(file, { registry });
  const outputs = new Map<string, PortValue>();
  const cached: Record<string, boolean> = {};
  for (const job of plan.jobs) {
    const inputs = Object.fromEntries(
      Object.entries(job.inputs).map(([port, from]) => [port, outputs.get(`${from.nodeId}.${from.port}`) as PortValue]),
    );
    const result = await executeNode(
      {
        runId: 'example',
        nodeId: job.nodeId,
        type: job.type,
        version: job.version,
        params: job.params,
        inputs,
        useCache: true,
      },
      deps,
    );
    cached[job.nodeId] = result.cached;
    for (const [port, value] of Object.entries(result.outputs)) outputs.set(`${job.nodeId}.${port}`, value);
  }
  return { cached, outputs };
}

describe('the breast-cancer example pipeline', () => {
  it('runs end to end, then answers from the cache, then re-runs only what follows an edited node', async () => {
    const first = await runPipeline(pipeline);
    const metrics = (first.outputs.get('metrics.metrics') as MetricsValue).metrics;
    expect(metrics.accuracy).toBeGreaterThan(0.94);
    expect(metrics.auc).toBeGreaterThan(0.98);
    expect(Object.values(first.cached).every((c) => !c)).toBe(true);

    const second = await runPipeline(pipeline);
    expect(Object.values(second.cached).every(Boolean)).toBe(true);

    const edited = structuredClone(pipeline);
    const train = edited.nodes.find((node) => node.id === 'train');
    if (train) train.params.learningRate = 0.1;
    const third = await runPipeline(edited);
    expect(third.cached).toEqual({
      source: true,
      dedupe: true,
      split: true,
      impute: true,
      train: false,
      score: false,
      metrics: false,
    });
  });
});
