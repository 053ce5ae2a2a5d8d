import type { NodeRegistry } from './catalog-registry.js';
import type { NodeQueue } from './define-node.js';
import { PipelineInvalidError } from './errors.js';
import type { RowSample } from './row-sample.js';
import { validatePipeline } from './validate.js';

export interface PlanJob {
  nodeId: string;
  type: string;
  version: number;
  params: Record<string, unknown>;
  /** Input port → the upstream job's node id and output port. */
  inputs: Record<string, { nodeId: string; port: string }>;
  /** Jobs that must succeed first, sorted. */
  dependsOn: string[];
  queue: NodeQueue;
  /** A sample this source reads instead of all its rows, for its only reader (see NodeDefinition.sampleToPush). */
  sample?: RowSample;
}

export interface Plan {
  name: string;
  params: Record<string, unknown>;
  /** In an order where every job comes after the jobs it depends on. */
  jobs: PlanJob[];
}

/**
 * Turns a pipeline file into a plan of jobs. Pure: the same file and params
 * always give the same plan (Kahn's algorithm, ties broken by file order).
 * Throws PipelineInvalidError listing every problem.
 */
export function compilePipeline(
  input: unknown,
  options: { registry: NodeRegistry; params?: Record<string, unknown> },
): Plan {
  const result = validatePipeline(input, options);
  if (!result.ok || !result.nodes || !result.file) throw new PipelineInvalidError(result.issues);

  const order = new Map(result.nodes.map((node, index) => [node.id, index]));
  const remaining = new Map(
    result.nodes.map((node) => [node.id, new Set(Object.values(node.inputs).map((i) => i.nodeId))]),
  );
  const downstream = new Map<string, string[]>();
  for (const node of result.nodes) {
    for (const upstream of new Set(Object.values(node.inputs).map((i) => i.nodeId))) {
      downstream.set(upstream, [...(downstream.get(upstream) ?? []), node.id]);
    }
  }

  const byFileOrder = (a: string, b: string) => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  const ready = [...remaining]
    .filter(([, deps]) => deps.size === 0)
    .map(([id]) => id)
    .sort(byFileOrder);
  const sorted: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift() as string;
    sorted.push(id);
    for (const next of downstream.get(id) ?? []) {
      const deps = remaining.get(next) as Set<string>;
      deps.delete(id);
      if (deps.size === 0) {
        ready.push(next);
        ready.sort(byFileOrder);
      }
    }
  }

  const nodes = new Map(result.nodes.map((node) => [node.id, node]));
  const jobs: PlanJob[] = sorted.map((id) => {
    const node = nodes.get(id)!;
    return {
      nodeId: id,
      type: node.definition.type,
      version: node.definition.version,
      params: node.params,
      inputs: node.inputs,
      dependsOn: [...new Set(Object.values(node.inputs).map((i) => i.nodeId))].sort(),
      queue: node.definition.queue,
    };
  });
  pushSamplesIntoSources(jobs, nodes);
  return { name: result.file.name, params: result.params ?? {}, jobs };
}

/**
 * Hands a sampling node's simple sample to the source it reads, when that
 * source can read a sample itself and nothing else reads the source: a large
 * Parquet file is then never read whole to be sampled.
 */
function pushSamplesIntoSources(
  jobs: PlanJob[],
  nodes: Map<string, { definition: { readsSample?: boolean; sampleToPush?(params: never): RowSample | undefined } }>,
): void {
  const readers = new Map<string, number>();
  for (const job of jobs) {
    for (const input of Object.values(job.inputs)) readers.set(input.nodeId, (readers.get(input.nodeId) ?? 0) + 1);
  }
  for (const job of jobs) {
    const definition = nodes.get(job.nodeId)?.definition;
    const input = job.inputs.in;
    if (!definition?.sampleToPush || !input || readers.get(input.nodeId) !== 1) continue;
    const source = jobs.find((candidate) => candidate.nodeId === input.nodeId);
    if (!source || !nodes.get(source.nodeId)?.definition.readsSample) continue;
    const sample = definition.sampleToPush(job.params as never);
    if (sample) source.sample = sample;
  }
}
