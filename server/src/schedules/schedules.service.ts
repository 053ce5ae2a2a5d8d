import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { datasetNameSchema } from '@pipewright/nodes';
import type { Firing, Schedule, ScheduleBody } from '@pipewright/nodes/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { BadRequestError, NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import type { Page, PageQuery } from '../api/page.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Caller } from '../auth/roles.js';
import { PipelineCompiler } from '../compiler/pipeline-compiler.js';
import { DatasetEntity } from '../datasets/dataset.entity.js';
import { PipelinesService } from '../pipelines/pipelines.service.js';
import { JobQueue } from '../queue/job-queue.js';
import { RunEntity } from '../runs/run.entity.js';
import { ScheduleEntity, ScheduleFiringEntity } from './schedule.entity.js';

/** The key of a schedule's cron in pg-boss (one pg-boss schedule per Pipewright schedule). */
const cronKey = (scheduleId: string) => scheduleId;

/**
 * Schedules of pipelines: their rows here, their cron in pg-boss (written in
 * the same transaction, so the two never disagree). Pausing removes the cron;
 * resuming puts it back.
 */
@Injectable()
export class SchedulesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipelines: PipelinesService,
    private readonly compiler: PipelineCompiler,
    private readonly queue: JobQueue,
    private readonly audit: AuditLog,
  ) {}

  async list(pipelineId: string, workspaceId: string): Promise<Page<Schedule>> {
    const pipeline = await this.pipelines.find(pipelineId, workspaceId);
    const rows = await this.db
      .getRepository(ScheduleEntity)
      .find({ where: { pipelineId: pipeline.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { items: await Promise.all(rows.map((row) => this.view(row))), total: rows.length };
  }

  async get(id: string, workspaceId: string): Promise<Schedule> {
    return this.view(await this.find(id, workspaceId));
  }

  async create(pipelineId: string, caller: Caller, body: ScheduleBody): Promise<Schedule> {
    const pipeline = await this.pipelines.find(pipelineId, caller.workspaceId);
    if (body.cron === undefined && body.onDataset === undefined) {
      throw new BadRequestError(
        'give "cron" (with an optional "timezone") or "onDataset", the dataset whose new versions start a run',
      );
    }
    const trigger = await this.checkTrigger(body, caller.workspaceId, { cron: null, timezone: 'UTC', onDataset: null });
    const params = body.params ?? {};
    await this.checkParams(pipeline.id, caller.workspaceId, params);
    const saved = await this.db.transaction(async (tx) => {
      const row = await tx.getRepository(ScheduleEntity).save(
        tx.getRepository(ScheduleEntity).create({
          pipelineId: pipeline.id,
          workspaceId: pipeline.workspaceId,
          ...trigger,
          params,
          paused: body.paused ?? false,
          createdBy: caller.id,
        }),
      );
      await this.syncCron(row, tx);
      await this.audit.record(
        {
          actor: caller,
          action: 'schedule.created',
          workspaceId: row.workspaceId,
          object: { type: 'schedule', id: row.id },
          details: { pipelineId: row.pipelineId, ...triggerDetails(row), params: row.params, paused: row.paused },
        },
        tx,
      );
      return row;
    });
    return this.view(await this.db.getRepository(ScheduleEntity).findOneByOrFail({ id: saved.id }));
  }

  /** Changes what is given: `cron` makes it a cron schedule, `onDataset` a dataset trigger; `paused` pauses or resumes. */
  async update(id: string, caller: Caller, body: ScheduleBody): Promise<Schedule> {
    const workspaceId = caller.workspaceId;
    const current = await this.find(id, workspaceId);
    const trigger = await this.checkTrigger(body, workspaceId, current);
    if (body.params !== undefined) await this.checkParams(current.pipelineId, workspaceId, body.params);
    await this.db.transaction(async (tx) => {
      const row = await tx
        .getRepository(ScheduleEntity)
        .findOne({ where: { id: current.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('schedule', id);
      const before = { ...triggerDetails(row), params: row.params, paused: row.paused };
      Object.assign(row, trigger, {
        ...(body.params !== undefined ? { params: body.params } : {}),
        ...(body.paused !== undefined ? { paused: body.paused } : {}),
      });
      await tx.query(
        `UPDATE schedules SET cron = $2, timezone = $3, on_dataset = $4, params = $5, paused = $6, updated_at = now()
          WHERE id = $1`,
        [row.id, row.cron, row.timezone, row.onDataset, JSON.stringify(row.params), row.paused],
      );
      await this.syncCron(row, tx);
      const after = { ...triggerDetails(row), params: row.params, paused: row.paused };
      const changed = (Object.keys(after) as (keyof typeof after)[]).filter(
        (key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]),
      );
      if (changed.length === 0) return;
      await this.audit.record(
        {
          actor: caller,
          action:
            changed.length === 1 && changed[0] === 'paused'
              ? row.paused
                ? 'schedule.paused'
                : 'schedule.resumed'
              : 'schedule.changed',
          workspaceId,
          object: { type: 'schedule', id: row.id },
          details: {
            pipelineId: row.pipelineId,
            before: Object.fromEntries(changed.map((key) => [key, before[key]])),
            after: Object.fromEntries(changed.map((key) => [key, after[key]])),
          },
        },
        tx,
      );
    });
    return this.get(id, workspaceId);
  }

  async remove(id: string, caller: Caller): Promise<void> {
    const row = await this.find(id, caller.workspaceId);
    await this.db.transaction(async (tx) => {
      await this.queue.unschedule(cronKey(row.id), tx);
      await tx.getRepository(ScheduleEntity).delete({ id: row.id });
      await this.audit.record(
        {
          actor: caller,
          action: 'schedule.deleted',
          workspaceId: row.workspaceId,
          object: { type: 'schedule', id: row.id },
          details: { pipelineId: row.pipelineId, ...triggerDetails(row) },
        },
        tx,
      );
    });
  }

  /** What the schedule fired, newest first: each run it started, or why it started none. */
  async firings(id: string, workspaceId: string, page: PageQuery): Promise<Page<Firing>> {
    const schedule = await this.find(id, workspaceId);
    const [rows, total] = await this.db.getRepository(ScheduleFiringEntity).findAndCount({
      where: { scheduleId: schedule.id },
      order: { firedAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: await this.firingViews(rows), total };
  }

  private async find(id: string, workspaceId: string): Promise<ScheduleEntity> {
    const row = isUuid(id) ? await this.db.getRepository(ScheduleEntity).findOneBy({ id, workspaceId }) : null;
    if (!row) throw new NotFoundError('schedule', id);
    return row;
  }

  /** The cron in pg-boss follows the row: there while it is an active cron schedule, gone otherwise. */
  private async syncCron(row: ScheduleEntity, tx: EntityManager): Promise<void> {
    if (row.cron && !row.paused) {
      await this.queue.schedule(cronKey(row.id), row.cron, row.timezone, { scheduleId: row.id }, tx);
    } else {
      await this.queue.unschedule(cronKey(row.id), tx);
    }
  }

  /** The trigger the body asks for, checked: a five-field cron in a real time zone, or a dataset of the workspace. */
  private async checkTrigger(
    body: ScheduleBody,
    workspaceId: string,
    current: Pick<ScheduleEntity, 'cron' | 'timezone' | 'onDataset'>,
  ): Promise<Pick<ScheduleEntity, 'cron' | 'timezone' | 'onDataset'>> {
    if (body.cron !== undefined && body.onDataset !== undefined) {
      throw new BadRequestError('give "cron" or "onDataset", not both: a schedule has one trigger', { param: 'cron' });
    }
    const timezone = body.timezone ?? current.timezone;
    checkTimezone(timezone);
    if (body.onDataset !== undefined) {
      const name = datasetNameSchema.safeParse(body.onDataset);
      if (!name.success) {
        throw new BadRequestError(`onDataset "${body.onDataset}": ${name.error.issues[0].message}`, {
          param: 'onDataset',
        });
      }
      const exists = await this.db.getRepository(DatasetEntity).existsBy({ workspaceId, name: name.data });
      if (!exists) {
        throw new BadRequestError(
          `onDataset: dataset "${name.data}" does not exist in this workspace (upload its first version, then schedule on it)`,
          { param: 'onDataset' },
        );
      }
      return { cron: null, timezone, onDataset: name.data };
    }
    const cron = body.cron ?? current.cron;
    if (cron === null) return { cron: null, timezone, onDataset: current.onDataset };
    return { cron: this.checkCron(cron, timezone), timezone, onDataset: null };
  }

  private checkCron(cron: string, timezone: string): string {
    const fields = cron.trim().split(/\s+/);
    if (fields.length !== 5 || fields[0] === '') {
      throw new BadRequestError(
        `cron "${cron}": write five fields — minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5" (a schedule fires at most once a minute)`,
        { param: 'cron' },
      );
    }
    try {
      this.queue.nextOccurrences(fields.join(' '), timezone);
    } catch (error) {
      throw new BadRequestError(`cron "${cron}": ${error instanceof Error ? error.message : String(error)}`, {
        param: 'cron',
      });
    }
    return fields.join(' ');
  }

  /** The params must be the pipeline's, with values it can run with. */
  private async checkParams(pipelineId: string, workspaceId: string, params: Record<string, unknown>): Promise<void> {
    const { file } = await this.pipelines.current(pipelineId, workspaceId);
    for (const name of Object.keys(params)) {
      if (!(name in file.params)) {
        const declared = Object.keys(file.params);
        throw new BadRequestError(
          `params.${name}: the pipeline has no param "${name}" (${declared.length ? `its params: ${declared.join(', ')}` : 'it declares none'})`,
          { param: name },
        );
      }
    }
    this.compiler.compile(file, params);
  }

  private async view(row: ScheduleEntity): Promise<Schedule> {
    const [last] = await this.db
      .getRepository(ScheduleFiringEntity)
      .find({ where: { scheduleId: row.id }, order: { firedAt: 'DESC', id: 'ASC' }, take: 1 });
    const next = row.cron && !row.paused ? this.queue.nextOccurrences(row.cron, row.timezone)[0] : undefined;
    return {
      id: row.id,
      pipelineId: row.pipelineId,
      cron: row.cron,
      timezone: row.timezone,
      onDataset: row.onDataset,
      params: row.params,
      paused: row.paused,
      nextFireAt: next ? next.toISOString() : null,
      lastFiring: last ? ((await this.firingViews([last]))[0] ?? null) : null,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  private async firingViews(rows: ScheduleFiringEntity[]): Promise<Firing[]> {
    const runIds = rows.flatMap((row) => (row.runId ? [row.runId] : []));
    const runs = runIds.length
      ? await this.db
          .getRepository(RunEntity)
          .find({ where: runIds.map((id) => ({ id })), select: ['id', 'status', 'createdAt', 'finishedAt'] })
      : [];
    const byId = new Map(runs.map((run) => [run.id, run]));
    return rows.map((row) => {
      const run = row.runId ? byId.get(row.runId) : undefined;
      return {
        id: row.id,
        firedAt: row.firedAt.toISOString(),
        trigger: row.trigger,
        outcome: row.outcome,
        reason: row.reason,
        run: run
          ? {
              id: run.id,
              status: run.status,
              createdAt: run.createdAt.toISOString(),
              finishedAt: run.finishedAt?.toISOString() ?? null,
            }
          : null,
      };
    });
  }
}

/** What fires a schedule, for the audit log. */
function triggerDetails(row: Pick<ScheduleEntity, 'cron' | 'timezone' | 'onDataset'>) {
  return row.cron ? { cron: row.cron, timezone: row.timezone } : { onDataset: row.onDataset };
}

/** An IANA time zone (UTC, Europe/Paris…), else a 400 naming it. */
function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new BadRequestError(
      `timezone "${timezone}" is not a time zone: use an IANA name such as UTC, Europe/Paris or America/New_York`,
      { param: 'timezone' },
    );
  }
}
