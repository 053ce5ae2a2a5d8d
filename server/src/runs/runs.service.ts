import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  registry,
  type PipelineFile,
  type Plan,
  type PortValue,
  type RunDataset,
  type RunDocument,
  type RunEvent,
  type RunNodeState,
  type RunStatus,
  type RunTrigger,
  type Status,
} from '@pipewright/nodes';
import type { RunSummary } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_WORKSPACE_ID } from '../auth/default-workspace.js';
import { ApiError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page, PageQuery } from '../api/page.js';
import { TablePreviewer, type TablePreview } from '../artifacts/table-previewer.js';
import type { AuditActor } from '../audit/audit-log.js';
import type { Caller } from '../auth/roles.js';
import { PipelineCompiler } from '../compiler/pipeline-compiler.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { RunEventStore } from '../events/run-event-store.js';
import type { PipelineEntity } from '../pipelines/pipeline.entity.js';
import { PipelinesService } from '../pipelines/pipelines.service.js';
import { checkKeyRecipient, type KeyRecipient } from '../auth/key-reveal.js';
import { CachedRunAnswers } from './cached-run-answers.js';
import { RunScheduler } from './run-scheduler.js';
import { RunEntity, RunNodeEntity } from './run.entity.js';

export type { RunSummary };

/** A run as other modules see it (deployments: whose it is, what it planned, how it ended). */
export interface RunRecord {
  id: string;
  status: RunStatus;
  origin: RunEntity['origin'];
  /** What started it (a user, the CLI, a schedule's cron or a dataset's new version); null for old runs. */
  trigger: RunTrigger | null;
  workspaceId: string;
  createdBy: string | null;
  keyRecipient: KeyRecipient | null;
  plan: Plan;
}

/** A node of a run: how it ended, and its outputs once it succeeded. */
export interface RunNodeResult {
  status: Status;
  outputs: Record<string, PortValue> | null;
}

/** How a run is started besides its params: whom a new deployment's API key is shown to (encrypted to them). */
export interface StartOptions {
  params?: Record<string, unknown>;
  /** Checked here: anything but an RSA public key of 2048 to 4096 bits is a 400. */
  keyRecipient?: unknown;
}

/** How a stored pipeline's run starts: by whom or what, and reading which dataset versions. */
export interface StoredRunOptions extends StartOptions {
  trigger: RunTrigger;
  createdBy: string | null;
  scheduleId?: string;
  /** Dataset name → the version its unpinned sources read (the version that triggered the run). */
  pins?: ReadonlyMap<string, number>;
}

@Injectable()
export class RunsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipelines: PipelinesService,
    private readonly compiler: PipelineCompiler,
    private readonly scheduler: RunScheduler,
    private readonly cachedRuns: CachedRunAnswers,
    private readonly eventStore: RunEventStore,
    private readonly previewer: TablePreviewer,
    private readonly datasets: DatasetsService,
  ) {}

  /**
   * Runs the pipeline's current version, in the pipeline's workspace; an
   * invalid pipeline is refused naming its nodes and params.
   */
  async startPipeline(pipelineId: string, caller: Caller, options: StartOptions = {}): Promise<{ id: string }> {
    const { pipeline, file } = await this.pipelines.current(pipelineId, caller.workspaceId);
    return this.startStored(pipeline, file, {
      ...options,
      trigger: { kind: 'user', userId: caller.id },
      createdBy: caller.id,
    });
  }

  /**
   * Runs a stored pipeline's file, pinning the dataset versions its sources
   * read; inside `manager`'s transaction when one is given. Throws
   * PipelineInvalidError for an invalid pipeline or a missing dataset.
   */
  async startStored(
    pipeline: PipelineEntity,
    file: PipelineFile,
    options: StoredRunOptions,
    manager?: EntityManager,
  ): Promise<{ id: string }> {
    const plan = this.compiler.compile(file, options.params);
    await this.datasets.pinVersions(plan, pipeline.workspaceId, options.pins, manager);
    const answers = await this.cachedRuns.answer(plan, pipeline.workspaceId, []);
    const run = await this.scheduler.start(
      {
        name: file.name,
        origin: 'api',
        workspaceId: pipeline.workspaceId,
        createdBy: options.createdBy,
        keyRecipient: checkKeyRecipient(options.keyRecipient),
        pipelineId: pipeline.id,
        version: pipeline.currentVersion,
        params: plan.params,
        plan,
        dataDirs: [],
        trigger: options.trigger,
        scheduleId: options.scheduleId ?? null,
      },
      manager,
      answers,
    );
    return { id: run.id };
  }

  /**
   * Runs a pipeline file that is not stored (the CLI, which has no login): the
   * run keeps its plan, belongs to the default workspace, and may also read
   * `dataDirs` (the file's own directory).
   */
  async startFile(file: unknown, options: StartOptions & { dataDirs: string[] }): Promise<{ id: string }> {
    const plan = this.compiler.compile(file, options.params);
    await this.datasets.pinVersions(plan, DEFAULT_WORKSPACE_ID);
    const answers = await this.cachedRuns.answer(plan, DEFAULT_WORKSPACE_ID, options.dataDirs);
    const run = await this.scheduler.start(
      {
        name: plan.name,
        origin: 'cli',
        workspaceId: DEFAULT_WORKSPACE_ID,
        createdBy: null,
        keyRecipient: checkKeyRecipient(options.keyRecipient),
        pipelineId: null,
        version: null,
        params: plan.params,
        plan,
        dataDirs: options.dataDirs,
        trigger: { kind: 'cli' },
      },
      undefined,
      answers,
    );
    return { id: run.id };
  }

  /** The run `runId` (of workspace `workspaceId` when given: another's is as missing as an unknown id). */
  async record(runId: string, workspaceId?: string): Promise<RunRecord> {
    const run = isUuid(runId)
      ? await this.db.getRepository(RunEntity).findOneBy({ id: runId, ...(workspaceId ? { workspaceId } : {}) })
      : null;
    if (!run) throw new NotFoundError('run', runId);
    const { id, status, origin, trigger, createdBy, keyRecipient, plan } = run;
    return { id, status, origin, trigger, workspaceId: run.workspaceId, createdBy, keyRecipient, plan };
  }

  /** How node `nodeId` of a run ended and what it gave; undefined when the run has no such node. */
  async nodeResult(runId: string, nodeId: string): Promise<RunNodeResult | undefined> {
    const node = await this.db.getRepository(RunNodeEntity).findOneBy({ runId, nodeId });
    return node ? { status: node.status, outputs: node.outputs } : undefined;
  }

  async document(runId: string, workspaceId: string): Promise<RunDocument> {
    return this.documentOf(await this.find(runId, workspaceId));
  }

  private async documentOf(run: RunEntity): Promise<RunDocument> {
    const nodes = await this.db.getRepository(RunNodeEntity).find({ where: { runId: run.id } });
    const byId = new Map(nodes.map((node) => [node.nodeId, node]));
    const states: Record<string, RunNodeState> = {};
    for (const job of run.plan.jobs) {
      const node = byId.get(job.nodeId);
      if (!node) continue;
      states[node.nodeId] = {
        status: node.status,
        cached: node.cached,
        durationMs: node.durationMs,
        progress: node.progress,
        ...(node.metrics ? { metrics: node.metrics } : {}),
        ...(node.error ? { error: node.error } : {}),
      };
    }
    return {
      id: run.id,
      pipelineId: run.pipelineId,
      version: run.version,
      status: run.status,
      params: run.params,
      trigger: triggerOf(run),
      datasets: datasetsOf(run),
      nodes: states,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }

  async listForPipeline(
    pipelineId: string,
    workspaceId: string,
    page: PageQuery,
    version?: number,
  ): Promise<Page<RunSummary>> {
    const pipeline = await this.pipelines.find(pipelineId, workspaceId);
    const [runs, total] = await this.db.getRepository(RunEntity).findAndCount({
      where: { pipelineId: pipeline.id, workspaceId, ...(version !== undefined && { version }) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
      select: [
        'id',
        'pipelineId',
        'version',
        'name',
        'status',
        'origin',
        'createdBy',
        'trigger',
        'createdAt',
        'startedAt',
        'finishedAt',
      ],
    });
    return {
      items: runs.map((run) => ({
        id: run.id,
        pipelineId: run.pipelineId,
        version: run.version,
        name: run.name,
        status: run.status,
        trigger: triggerOf(run),
        createdAt: run.createdAt.toISOString(),
        startedAt: run.startedAt?.toISOString() ?? null,
        finishedAt: run.finishedAt?.toISOString() ?? null,
      })),
      total,
    };
  }

  /** Cancels a run that is still going; a finished run is left as it is. */
  async cancel(runId: string, workspaceId: string, by: AuditActor): Promise<RunDocument> {
    const run = await this.find(runId, workspaceId);
    await this.scheduler.cancel(run.id, by);
    return this.document(run.id, workspaceId);
  }

  async events(runId: string, workspaceId: string, afterSeq: number): Promise<RunEvent[]> {
    const run = await this.find(runId, workspaceId);
    return this.eventStore.after(run.id, afterSeq);
  }

  async preview(runId: string, workspaceId: string, nodeId: string, port: string): Promise<TablePreview> {
    const run = await this.find(runId, workspaceId);
    const node = await this.db.getRepository(RunNodeEntity).findOneBy({ runId: run.id, nodeId });
    if (!node) throw new NotFoundError(`node of run ${run.id}`, nodeId);
    if (!node.outputs) {
      throw new ApiError(409, 'not-ready', `node "${nodeId}" has no outputs yet (it is ${node.status})`, { nodeId });
    }
    const value = node.outputs[port];
    if (!value) {
      const ports = Object.keys(node.outputs).join(', ') || 'none';
      throw new ApiError(404, 'not-found', `node "${nodeId}" has no output "${port}" (outputs: ${ports})`, {
        nodeId,
        port,
      });
    }
    if (value.kind !== 'table') {
      throw new ApiError(400, 'not-a-table', `output "${port}" of node "${nodeId}" is a ${value.kind}, not a table`, {
        nodeId,
        port,
      });
    }
    return this.previewer.preview(value, { nodeId, port });
  }

  /** The run `runId` of the workspace; another workspace's is as missing as an unknown id. */
  private async find(runId: string, workspaceId: string): Promise<RunEntity> {
    const run = isUuid(runId) ? await this.db.getRepository(RunEntity).findOneBy({ id: runId, workspaceId }) : null;
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }
}

/** What started a run; runs from before triggers were recorded are told by their origin. */
export function triggerOf(run: Pick<RunEntity, 'trigger' | 'origin' | 'createdBy'>): RunTrigger {
  if (run.trigger) return run.trigger;
  return run.origin === 'cli' ? { kind: 'cli' } : { kind: 'user', userId: run.createdBy };
}

/** The dataset versions a run's sources read, as pinned in its plan when it started. */
function datasetsOf(run: RunEntity): RunDataset[] {
  return run.plan.jobs.flatMap((job) => {
    const param = registry.get(job.type, job.version)?.datasetParam;
    const name = param ? job.params[param] : undefined;
    return typeof name === 'string' && typeof job.params.version === 'number'
      ? [{ nodeId: job.nodeId, name, version: job.params.version }]
      : [];
  });
}
