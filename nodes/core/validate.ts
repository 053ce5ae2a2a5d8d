import type { z } from 'zod';
import type { NodeRegistry } from './catalog-registry.js';
import type { AnyNodeDefinition } from './define-node.js';
import type { PipelineIssue } from './errors.js';
import { canConnect } from './ports.js';
import { findUnstorableValue, formatValuePath, type UnstorableValue } from './stored-values.js';
import { isParamRef, pipelineFileSchema, splitEndpoint, splitTypeVersion, type PipelineFile } from './pipeline-file.js';

export interface ResolvedNode {
  id: string;
  definition: AnyNodeDefinition;
  /** Params after `$param` substitution and schema defaults. */
  params: Record<string, unknown>;
  /** Input port → upstream node and port. */
  inputs: Record<string, { nodeId: string; port: string }>;
}

export interface ValidationResult {
  ok: boolean;
  issues: PipelineIssue[];
  /** Present when the file itself parsed. */
  file?: PipelineFile;
  /** Nodes in file order; present when `ok`. */
  nodes?: ResolvedNode[];
  /** Pipeline params after overrides. */
  params?: Record<string, unknown>;
}

export interface ValidateOptions {
  registry: NodeRegistry;
  /** Values for pipeline params, overriding the file's defaults (e.g. CLI `--param`). */
  params?: Record<string, unknown>;
}

/** Checks a pipeline file against the catalog and reports every problem at once. */
export function validatePipeline(input: unknown, options: ValidateOptions): ValidationResult {
  const unstorable = findUnstorableValue(input);
  if (unstorable) return { ok: false, issues: [unstorableIssue(input, unstorable)] };
  const parsed = pipelineFileSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map(formatIssueFromZod(input)) };
  }
  const file = parsed.data;
  const issues: PipelineIssue[] = [];
  const pipelineParams = { ...file.params, ...(options.params ?? {}) };
  for (const name of Object.keys(options.params ?? {})) {
    if (!Object.hasOwn(file.params, name)) {
      issues.push({ code: 'unknown-pipeline-param', param: name, message: `the pipeline has no param "${name}"` });
    }
  }

  const resolved = new Map<string, ResolvedNode>();
  for (const node of file.nodes) {
    if (resolved.has(node.id)) {
      issues.push({ code: 'duplicate-id', nodeId: node.id, message: `two nodes have the id "${node.id}"` });
      continue;
    }
    const { type, version } = splitTypeVersion(node.type);
    const definition = options.registry.get(type, version);
    if (!definition) {
      const known = options.registry.get(type);
      issues.push({
        code: 'unknown-node-type',
        nodeId: node.id,
        message: known
          ? `node type ${type} has no version ${version} (newest is ${known.version})`
          : `unknown node type "${node.type}"`,
      });
      continue;
    }
    const params = resolveParams(node.id, node.params, pipelineParams, issues);
    const result = definition.params.safeParse(params);
    if (!result.success) {
      for (const issue of result.error.issues) issues.push(paramIssue(node.id, issue));
      resolved.set(node.id, { id: node.id, definition, params, inputs: {} });
      continue;
    }
    resolved.set(node.id, { id: node.id, definition, params: result.data as Record<string, unknown>, inputs: {} });
  }

  // Inputs some edge aimed at: when that edge is refused, its own issue says
  // why, and "not connected" would only repeat it.
  const aimedAt = new Set<string>();
  for (const edge of file.edges) {
    const from = splitEndpoint(edge.from);
    const to = splitEndpoint(edge.to);
    aimedAt.add(edge.to);
    const source = resolved.get(from.nodeId);
    const target = resolved.get(to.nodeId);
    if (!source || !target) {
      const missing = !source ? from.nodeId : to.nodeId;
      if (!file.nodes.some((n) => n.id === missing)) {
        issues.push({
          code: 'bad-edge',
          nodeId: missing,
          message: `edge ${edge.from} → ${edge.to} names a node "${missing}" that does not exist`,
        });
      }
      continue;
    }
    const fromPort = source.definition.outputs.find((p) => p.name === from.port);
    const toPort = target.definition.inputs.find((p) => p.name === to.port);
    if (!fromPort) {
      issues.push({
        code: 'unknown-port',
        nodeId: from.nodeId,
        port: from.port,
        message: `${source.definition.type} has no output "${from.port}" (outputs: ${portNames(source.definition.outputs)})`,
      });
      continue;
    }
    if (!toPort) {
      issues.push({
        code: 'unknown-port',
        nodeId: to.nodeId,
        port: to.port,
        message: `${target.definition.type} has no input "${to.port}" (inputs: ${portNames(target.definition.inputs)})`,
      });
      continue;
    }
    const check = canConnect({ nodeId: from.nodeId, port: fromPort }, { nodeId: to.nodeId, port: toPort });
    if (!check.ok) {
      issues.push({ code: 'incompatible-ports', nodeId: to.nodeId, port: to.port, message: check.reason });
      continue;
    }
    if (target.inputs[to.port]) {
      issues.push({
        code: 'bad-edge',
        nodeId: to.nodeId,
        port: to.port,
        message: `input "${to.port}" already has a connection (from ${target.inputs[to.port].nodeId}.${target.inputs[to.port].port})`,
      });
      continue;
    }
    target.inputs[to.port] = from;
  }

  for (const node of resolved.values()) {
    for (const port of node.definition.inputs) {
      if (!port.optional && !node.inputs[port.name] && !aimedAt.has(`${node.id}.${port.name}`)) {
        issues.push({
          code: 'missing-input',
          nodeId: node.id,
          port: port.name,
          message: `input "${port.name}" (${port.type}) is not connected`,
        });
      }
    }
  }

  const graphIssues = issues.length === 0;
  const cycle = findCycle([...resolved.values()]);
  if (cycle) {
    issues.push({
      code: 'cycle',
      nodeId: cycle[0],
      message: `the graph has a cycle: ${[...cycle, cycle[0]].join(' → ')}`,
    });
  }

  // How a node fits the graph is worth asking only of a graph that is otherwise sound.
  if (graphIssues && !cycle) {
    const graph = [...resolved.values()].map((node) => ({
      id: node.id,
      type: node.definition.type,
      params: node.params,
      inputs: node.inputs,
    }));
    for (const node of resolved.values()) {
      const self = graph.find((candidate) => candidate.id === node.id)!;
      for (const problem of node.definition.checkGraph?.(self, graph) ?? []) {
        issues.push({
          code: 'bad-param',
          nodeId: node.id,
          ...(problem.param ? { param: problem.param } : {}),
          message: problem.message,
        });
      }
    }
  }

  const ok = issues.length === 0;
  return { ok, issues, file, params: pipelineParams, nodes: ok ? [...resolved.values()] : undefined };
}

function portNames(ports: { name: string }[]): string {
  return ports.length ? ports.map((p) => p.name).join(', ') : 'none';
}

function resolveParams(
  nodeId: string,
  params: Record<string, unknown>,
  pipelineParams: Record<string, unknown>,
  issues: PipelineIssue[],
): Record<string, unknown> {
  const resolveValue = (param: string, value: unknown): unknown => {
    if (isParamRef(value)) {
      if (!(value.$param in pipelineParams)) {
        issues.push({
          code: 'unknown-pipeline-param',
          nodeId,
          param,
          message: `refers to pipeline param "${value.$param}", which the pipeline does not declare`,
        });
        return undefined;
      }
      return pipelineParams[value.$param];
    }
    if (Array.isArray(value)) return value.map((item) => resolveValue(param, item));
    return value;
  };
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, resolveValue(name, value)]));
}

function paramIssue(nodeId: string, issue: z.core.$ZodIssue): PipelineIssue {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    return {
      code: 'unknown-param',
      nodeId,
      param: keys[0],
      message: `unknown param${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${k}"`).join(', ')}`,
    };
  }
  const param = issue.path.length ? String(issue.path[0]) : undefined;
  const detail = issue.path.length > 1 ? ` (at ${issue.path.join('.')})` : '';
  return { code: 'bad-param', nodeId, param, message: `${issue.message}${detail}` };
}

/** A value no run could keep (NUL text, a number past a double, nesting too deep), named by node and param where it sits in one. */
function unstorableIssue(input: unknown, found: UnstorableValue): PipelineIssue {
  const [list, index, params, param] = found.path;
  const where = `${found.path.length ? formatValuePath(found.path) : 'the file'} ${found.message}`;
  if (list === 'nodes' && typeof index === 'number') {
    const nodeId = (input as { nodes?: { id?: unknown }[] }).nodes?.[index]?.id;
    if (typeof nodeId === 'string' && !nodeId.includes('\0')) {
      return params === 'params' && typeof param === 'string'
        ? { code: 'bad-param', nodeId, param, message: where }
        : { code: 'format', nodeId, message: where };
    }
  }
  return { code: 'format', message: where };
}

function formatIssueFromZod(input: unknown) {
  return (issue: z.core.$ZodIssue): PipelineIssue => {
    const path = issue.path;
    let nodeId: string | undefined;
    if (path[0] === 'nodes' && typeof path[1] === 'number') {
      const node = (input as { nodes?: { id?: unknown }[] }).nodes?.[path[1]];
      if (node && typeof node.id === 'string') nodeId = node.id;
    }
    const where = path.length ? `${path.join('.')}: ` : '';
    return { code: 'format', nodeId, message: `${where}${issue.message}` };
  };
}

/** Returns the node ids of one cycle, or undefined when the graph is acyclic. */
function findCycle(nodes: ResolvedNode[]): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const visit = (id: string): string[] | undefined => {
    state.set(id, 'visiting');
    stack.push(id);
    const node = byId.get(id);
    for (const upstream of Object.values(node?.inputs ?? {})) {
      const seen = state.get(upstream.nodeId);
      if (seen === 'visiting') return stack.slice(stack.indexOf(upstream.nodeId)).reverse();
      if (!seen && byId.has(upstream.nodeId)) {
        const found = visit(upstream.nodeId);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const node of nodes) {
    if (!state.has(node.id)) {
      const found = visit(node.id);
      if (found) return found;
    }
  }
  return undefined;
}
