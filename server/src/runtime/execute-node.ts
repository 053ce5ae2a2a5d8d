import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  NodeError,
  registry as catalogRegistry,
  type AnyNodeDefinition,
  type FanOut,
  type NodeContext,
  type NodeFailure,
  type PortType,
  type PortValue,
} from '@pipewright/nodes';
import { cloneFile } from './artifact-store.js';
import { fingerprintFile, resolveDataFile } from './data-files.js';
import { QueryCancelledError } from './duckdb-errors.js';
import { workerThreadPool } from './thread-pool.js';
import { DEFAULT_SQL_LIMITS, DuckDbSandbox } from './duckdb-sandbox.js';
import { loadTable } from './fused-unit.js';
import { computeJobKey } from './job-key.js';
import { postgresConnectionAccess } from './postgres-connections.js';
import { onnxRuntime } from './onnx-runtime.js';
import { throttleProgress } from './progress-throttle.js';
import {
  NodeRunError,
  type DatasetResolver,
  type ExecuteNodeDeps,
  type ExecuteNodeRequest,
  type ExecuteNodeResult,
} from './types.js';

/** What a job's cache key is made from. */
type JobIdentity = Pick<ExecuteNodeRequest, 'type' | 'version' | 'params' | 'inputs' | 'sample'>;

/**
 * Runs one node as a job: answers from the artifact store when the same job
 * ran before, otherwise runs the node in its own directory with a sandboxed
 * DuckDB over it, checks and stores what it produced, and removes the
 * directory. Every failure comes out as a NodeRunError.
 */
export async function executeNode(request: ExecuteNodeRequest, deps: ExecuteNodeDeps): Promise<ExecuteNodeResult> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const definition = (deps.registry ?? catalogRegistry).get(request.type, request.version);
  if (!definition) {
    throw new NodeRunError(request.nodeId, { message: `unknown node type ${request.type}@${request.version}` });
  }
  try {
    if (deps.signal.aborted) throw new QueryCancelledError();
    const params = parseParams(definition, request.params);
    checkInputs(definition, request.inputs);
    const key = await jobKeyOf(definition, params, request, deps);

    if (request.useCache) {
      const stored = await deps.store.readOutputs(key);
      if (stored) {
        deps.unit?.leave(request.nodeId);
        return { key, cached: true, outputs: stored, durationMs: elapsed() };
      }
    }
    const outputs = await runJob(definition, request, params, key, deps);
    return { key, cached: false, outputs, durationMs: elapsed() };
  } catch (error) {
    throw toRunError(request.nodeId, definition.type, error, deps);
  }
}

/**
 * What a job that ran before stored, found without running anything: its key
 * is computed as executeNode computes it, and the store answers for that key.
 * Undefined when the job would run (nothing stored under its key) or when
 * only running it can say what is wrong (an unknown type, a bad param, a
 * missing file): the job then runs and reports that itself.
 */
export async function storedResult(
  request: JobIdentity,
  deps: Pick<ExecuteNodeDeps, 'store' | 'dataDirs' | 'mayRead' | 'datasets' | 'registry'>,
): Promise<ExecuteNodeResult | undefined> {
  const started = performance.now();
  const definition = (deps.registry ?? catalogRegistry).get(request.type, request.version);
  if (!definition) return undefined;
  try {
    const params = parseParams(definition, request.params);
    checkInputs(definition, request.inputs);
    const key = await jobKeyOf(definition, params, request, deps);
    const stored = await deps.store.readOutputs(key);
    if (!stored) return undefined;
    return { key, cached: true, outputs: stored, durationMs: Math.round(performance.now() - started) };
  } catch {
    return undefined;
  }
}

async function runJob(
  definition: AnyNodeDefinition,
  request: ExecuteNodeRequest,
  params: Record<string, unknown>,
  key: string,
  deps: ExecuteNodeDeps,
): Promise<Record<string, PortValue>> {
  return withJobContext(request, key, deps, true, definition.runPart !== undefined, async (ctx, jobDir, progress) => {
    const outputs = await definition.run(ctx, request.inputs, params);
    progress.flush();
    if (deps.signal.aborted) throw new QueryCancelledError();
    const checked = checkOutputs(definition, outputs, key);
    if (!deps.unit) return deps.store.saveOutputs(key, jobDir, checked);
    const stored = await deps.store.saveOutputs(
      key,
      jobDir,
      await deps.unit.settle(request.nodeId, request.inputs, checked),
    );
    deps.unit.stored(stored);
    return stored;
  });
}

/**
 * Runs one part of a node's work (`runPart`, what its job handed to
 * ctx.fanOut) on this worker: the same inputs, params and job key as the
 * node's own job, in a job directory of its own. Answers the part's result;
 * a failure comes out as a NodeRunError, as executeNode's do.
 */
export async function executePart(
  request: ExecuteNodeRequest & { jobKey: string; part: unknown },
  deps: ExecuteNodeDeps,
): Promise<unknown> {
  const definition = (deps.registry ?? catalogRegistry).get(request.type, request.version);
  if (!definition) {
    throw new NodeRunError(request.nodeId, { message: `unknown node type ${request.type}@${request.version}` });
  }
  try {
    if (deps.signal.aborted) throw new QueryCancelledError();
    if (!definition.runPart) throw new Error(`${definition.type} has no parts to run`);
    const params = parseParams(definition, request.params);
    checkInputs(definition, request.inputs);
    const key = await jobKeyOf(definition, params, request, deps);
    if (key !== request.jobKey) {
      throw new NodeError('a part of this node was asked for on other inputs than its job has; run it again');
    }
    const runPart = definition.runPart.bind(definition);
    return await withJobContext(request, key, deps, false, false, async (ctx) => {
      const result = await runPart(ctx, request.inputs, params, request.part);
      if (deps.signal.aborted) throw new QueryCancelledError();
      return result;
    });
  } catch (error) {
    throw toRunError(request.nodeId, definition.type, error, deps);
  }
}

/**
 * A job's directory, sandboxed DuckDB with the table inputs registered, and
 * the ctx a node runs with, for the length of `body`; the directory goes
 * afterwards. `fanOut`: whether this is a node's own job rather than a part
 * of one; `hasParts`: whether the node can hand parts to other workers (it
 * defines runPart), so that its ctx offers them — asking how many workers
 * are live is a query, saved for nodes that can use the answer.
 */
async function withJobContext<T>(
  request: ExecuteNodeRequest,
  key: string,
  deps: ExecuteNodeDeps,
  fanOut: boolean,
  hasParts: boolean,
  body: (ctx: NodeContext, jobDir: string, progress: ReturnType<typeof throttleProgress>) => Promise<T>,
): Promise<T> {
  const progress = throttleProgress((pct, detail) => deps.onProgress(pct, detail));
  const parts = async (): Promise<FanOut | undefined> =>
    fanOut && hasParts && deps.fanOut ? deps.fanOut(key) : undefined;
  // A node of a fused unit runs in the unit's instance and directory, which outlive it.
  if (deps.unit && fanOut) {
    const unit = deps.unit;
    try {
      await unit.enter(key, request.inputs);
      return await body(jobContext(request, key, deps, unit.sql, progress, await parts()), unit.jobDir, progress);
    } finally {
      // Tidying the unit after a node never hides how the node ended; what it could not drop goes with the unit.
      unit.leave(request.nodeId);
    }
  }
  await mkdir(deps.workDir, { recursive: true });
  const jobDir = await mkdtemp(join(deps.workDir, `${key.slice(0, 16)}-`));
  let sandbox: DuckDbSandbox | undefined;
  try {
    sandbox = await DuckDbSandbox.open({ jobDir, jobKey: key, limits: deps.sqlLimits, signal: deps.signal });
    for (const value of Object.values(request.inputs)) {
      if (value.kind === 'table') await loadTable(sandbox, deps.store, value);
    }
    return await body(jobContext(request, key, deps, sandbox, progress, await parts()), sandbox.jobDir, progress);
  } finally {
    sandbox?.close();
    await rm(jobDir, { recursive: true, force: true });
  }
}

/** The ctx a node runs with, over the job's sandboxed SQL. */
function jobContext(
  request: ExecuteNodeRequest,
  key: string,
  deps: ExecuteNodeDeps,
  sql: DuckDbSandbox,
  progress: ReturnType<typeof throttleProgress>,
  parts: FanOut | undefined,
): NodeContext {
  return {
    runId: request.runId,
    nodeId: request.nodeId,
    jobKey: key,
    sql,
    tf: deps.tf,
    onnx: onnxRuntime,
    signal: deps.signal,
    threads: workerThreadPool(deps.signal, undefined, deps.tf.getBackend()),
    ...(parts ? { fanOut: parts } : {}),
    ...(request.sample ? { sample: request.sample } : {}),
    connections: postgresConnectionAccess(deps.connections ?? {}, {
      timeoutMs: deps.sqlLimits?.timeoutMs ?? DEFAULT_SQL_LIMITS.timeoutMs,
      rowLimit: deps.postgresRowLimit,
      signal: deps.signal,
    }),
    artifacts: {
      stageFile: async (path, param) => {
        const resolved = await resolveDataFile(path, deps.dataDirs, param, deps.mayRead);
        const staged = join(sql.jobDir, `file-${param}-${basename(resolved)}`);
        await cloneFile(resolved, staged);
        sql.nameStagedFile(staged, path);
        return staged;
      },
      readFile: async (path, param) => readFile(await resolveDataFile(path, deps.dataDirs, param, deps.mayRead)),
      stageDataset: async (name, version, param) => {
        const dataset = await datasetResolver(deps).resolve(name, version, param);
        const staged = join(sql.jobDir, `dataset-${param}-${basename(dataset.realPath)}`);
        await cloneFile(dataset.realPath, staged);
        sql.nameStagedFile(staged, `dataset "${dataset.name}" v${dataset.version}`);
        return {
          file: staged,
          name: dataset.name,
          version: dataset.version,
          format: dataset.format,
          ...(dataset.delimiter ? { delimiter: dataset.delimiter } : {}),
          ...(dataset.schemaChange ? { schemaChange: dataset.schemaChange } : {}),
        };
      },
    },
    progress,
    log: (message, level = 'info') => deps.onLog(level, message),
  };
}

/** The job's cache key: type, version, params, the keys of its inputs, a source's file and sample. */
async function jobKeyOf(
  definition: AnyNodeDefinition,
  params: Record<string, unknown>,
  request: JobIdentity,
  deps: Pick<ExecuteNodeDeps, 'dataDirs' | 'mayRead' | 'datasets'>,
): Promise<string> {
  const file = await sourceFileFingerprint(definition, params, deps);
  const inputKeys = Object.fromEntries(Object.entries(request.inputs).map(([port, value]) => [port, value.key]));
  return computeJobKey({
    type: definition.type,
    version: definition.version,
    params,
    inputs: inputKeys,
    file,
    ...(request.sample ? { sample: request.sample } : {}),
  });
}

function parseParams(definition: AnyNodeDefinition, raw: Record<string, unknown>): Record<string, unknown> {
  const parsed = definition.params.safeParse(raw);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0];
  const param = issue.path.length ? String(issue.path[0]) : undefined;
  if (issue.code === 'unrecognized_keys') {
    const [name] = issue.keys;
    throw new NodeError(`${definition.type} has no param "${name}"`, { param: name });
  }
  throw new NodeError(param ? `param "${param}": ${issue.message}` : issue.message, { param });
}

const KIND_OF_PORT: Record<PortType, PortValue['kind']> = {
  table: 'table',
  model: 'model',
  transform: 'transform',
  metrics: 'metrics',
};

function checkInputs(definition: AnyNodeDefinition, inputs: Record<string, PortValue>): void {
  for (const port of definition.inputs) {
    const value = inputs[port.name];
    if (!value) {
      if (port.optional) continue;
      throw new NodeError(`input "${port.name}" is not connected`);
    }
    if (value.kind !== KIND_OF_PORT[port.type]) {
      throw new NodeError(`input "${port.name}" takes a ${port.type} but was given a ${value.kind}`);
    }
  }
  for (const name of Object.keys(inputs)) {
    if (!definition.inputs.some((port) => port.name === name)) {
      throw new NodeError(`${definition.type} has no input "${name}"`);
    }
  }
}

/** A node must give exactly its declared outputs, each of its port's kind; keys are set here. */
function checkOutputs(
  definition: AnyNodeDefinition,
  outputs: Record<string, PortValue>,
  key: string,
): Record<string, PortValue> {
  const checked: Record<string, PortValue> = {};
  for (const port of definition.outputs) {
    const value = outputs[port.name];
    if (!value) throw new Error(`${definition.type} gave no output on port "${port.name}"`);
    if (value.kind !== KIND_OF_PORT[port.type]) {
      throw new Error(`${definition.type} gave a ${value.kind} on port "${port.name}", which carries a ${port.type}`);
    }
    checked[port.name] = { ...value, key: `${key}:${port.name}` };
  }
  const extra = Object.keys(outputs).filter((name) => !definition.outputs.some((port) => port.name === name));
  if (extra.length) throw new Error(`${definition.type} gave outputs it does not declare: ${extra.join(', ')}`);
  return checked;
}

/**
 * What a source's data is, for its cache key: the fingerprint of the file
 * its path names, or of the dataset version it reads (the same version
 * content gives the same key, a new version a new one).
 */
async function sourceFileFingerprint(
  definition: AnyNodeDefinition,
  params: Record<string, unknown>,
  deps: Pick<ExecuteNodeDeps, 'dataDirs' | 'mayRead' | 'datasets'>,
): Promise<string | undefined> {
  const dataset = definition.datasetParam ? params[definition.datasetParam] : undefined;
  if (typeof dataset === 'string') {
    const version = typeof params.version === 'number' ? params.version : undefined;
    const resolved = await datasetResolver(deps).resolve(dataset, version, definition.datasetParam as string);
    return `dataset:${resolved.fingerprint}`;
  }
  if (!definition.fileParam) return undefined;
  const path = params[definition.fileParam];
  if (typeof path !== 'string') return undefined;
  return fingerprintFile(await resolveDataFile(path, deps.dataDirs, definition.fileParam, deps.mayRead));
}

function datasetResolver(deps: Pick<ExecuteNodeDeps, 'datasets'>): DatasetResolver {
  if (deps.datasets) return deps.datasets;
  return {
    resolve: (name, _version, param) =>
      Promise.reject(new NodeError(`dataset "${name}": this run cannot read named datasets`, { param })),
  };
}

function toRunError(
  nodeId: string,
  type: string,
  error: unknown,
  deps: Pick<ExecuteNodeDeps, 'signal' | 'workDir'>,
): NodeRunError {
  if (error instanceof NodeRunError) return error;
  if (error instanceof QueryCancelledError || deps.signal.aborted) {
    return new NodeRunError(nodeId, { message: 'cancelled' }, { cancelled: true });
  }
  if (error instanceof NodeError) {
    const failure: NodeFailure = { message: withoutJobDirectories(error.message, deps.workDir) };
    if (error.param !== undefined) failure.param = error.param;
    if (error.column !== undefined) failure.column = error.column;
    if (error.row !== undefined) failure.row = error.row;
    return new NodeRunError(nodeId, failure);
  }
  // A bug or an engine failure, not the user's input: the message says so
  // in one line, and the stack goes to the worker's own log.
  console.error(`node "${nodeId}" (${type}) failed:`, error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new NodeRunError(nodeId, { message: `${type} failed unexpectedly: ${withoutServerPaths(message)}` });
}

/**
 * A node's message names a file of its job by its name in the job directory:
 * where the server keeps its jobs (under its home) is none of the user's
 * business, and means nothing to them.
 */
export function withoutJobDirectories(message: string, workDir: string): string {
  // The sandbox names files by the job directory's real path: the work directory may be reached through a link.
  const roots = new Set([resolve(workDir), existsSync(workDir) ? realpathSync(workDir) : resolve(workDir)]);
  for (const root of roots) message = message.replace(new RegExp(`${escapeRegExp(root)}/[^/\\s'"]+/`, 'g'), '');
  return message;
}

/**
 * An engine's own failure (Node's ENOENT, a library's) may name any file of
 * the server: it is shown by its base name, which is what a user could
 * recognise (a file they gave), without the server's directories.
 */
export function withoutServerPaths(message: string): string {
  return message.replace(/(?<=^|[\s'"`(=])(?:\/[^\s'"`,:;()[\]]+)+/g, (path) => basename(path));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
