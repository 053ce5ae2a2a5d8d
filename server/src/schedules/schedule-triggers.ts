import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { describeSchemaChange, diffColumns, PipelineInvalidError, type RunTrigger } from '@pipewright/nodes';
import { DataSource, IsNull, LessThan } from 'typeorm';
import { DatasetEntity, DatasetVersionEntity } from '../datasets/dataset.entity.js';
import { PipelineEntity, PipelineVersionEntity } from '../pipelines/pipeline.entity.js';
import { JobQueue } from '../queue/job-queue.js';
import { RunsService } from '../runs/runs.service.js';
import { ScheduleEntity, ScheduleFiringEntity } from './schedule.entity.js';

/** How one occurrence fires a schedule: its unique key, what the run records, the dataset version it reads. */
interface Occurrence {
  key: string;
  trigger: RunTrigger;
  pins?: ReadonlyMap<string, number>;
  /** Why it starts no run though it fired (a dataset version whose columns changed). */
  hold?: string;
}

/**
 * Starts the runs schedules ask for, in server processes: a job on
 * `schedule-fired` (pg-boss's cron, one job per occurrence across every
 * server) or on `dataset-version` (sent with each new version). Each firing
 * is recorded under a key unique to its schedule and occurrence, in the
 * transaction that starts the run, so an occurrence delivered twice starts
 * one run.
 */
@Injectable()
export class ScheduleTriggers implements OnApplicationBootstrap {
  private readonly logger = new Logger('Schedules');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly runs: RunsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.workOn('schedule-fired', 1, async (job) => {
      const schedule = await this.db.getRepository(ScheduleEntity).findOneBy({ id: job.data.scheduleId });
      if (!schedule?.cron) return;
      await this.fire(schedule.id, {
        key: `cron:${job.id}`,
        trigger: { kind: 'schedule', scheduleId: schedule.id, cron: schedule.cron, timezone: schedule.timezone },
      });
    });
    await this.queue.workOn('dataset-version', 1, (job) => this.datasetVersionAdded(job.data.versionId));
  }

  /** Fires every active schedule on the dataset of a new version (those made before the version). */
  async datasetVersionAdded(versionId: string): Promise<void> {
    const version = await this.db.getRepository(DatasetVersionEntity).findOneBy({ id: versionId });
    if (!version) return;
    const dataset = await this.db.getRepository(DatasetEntity).findOneByOrFail({ id: version.datasetId });
    const schedules = await this.db.getRepository(ScheduleEntity).findBy({
      workspaceId: dataset.workspaceId,
      onDataset: dataset.name,
      paused: false,
      createdAt: LessThan(version.createdAt),
    });
    if (schedules.length === 0) return;
    const previous = await this.db
      .getRepository(DatasetVersionEntity)
      .createQueryBuilder('v')
      .where('v.dataset_id = :id AND v.version < :version', { id: dataset.id, version: version.version })
      .orderBy('v.version', 'DESC')
      .getOne();
    const change =
      previous?.columns && version.columns
        ? diffColumns(previous.columns, version.columns, previous.version)
        : undefined;
    for (const schedule of schedules) {
      await this.fire(schedule.id, {
        key: `dataset:${version.id}`,
        trigger: { kind: 'dataset', scheduleId: schedule.id, dataset: dataset.name, version: version.version },
        pins: new Map([[dataset.name, version.version]]),
        hold: change
          ? `not run: dataset "${dataset.name}" v${version.version} changed its columns since v${change.since} (${describeSchemaChange(change)}); check the pipeline, then run it by hand`
          : undefined,
      });
    }
  }

  private async fire(scheduleId: string, occurrence: Occurrence): Promise<void> {
    await this.db.transaction(async (tx) => {
      const schedule = await tx
        .getRepository(ScheduleEntity)
        .findOne({ where: { id: scheduleId }, lock: { mode: 'pessimistic_write' } });
      if (!schedule || schedule.paused) return;
      const [firing] = (await tx.query(
        `INSERT INTO schedule_firings (schedule_id, trigger_key, trigger, outcome)
         VALUES ($1, $2, $3, 'failed')
         ON CONFLICT (schedule_id, trigger_key) DO NOTHING
         RETURNING id`,
        [schedule.id, occurrence.key, JSON.stringify(occurrence.trigger)],
      )) as { id: string }[];
      if (!firing) return;
      const record = (outcome: ScheduleFiringEntity['outcome'], reason: string | null, runId: string | null = null) =>
        tx.getRepository(ScheduleFiringEntity).update({ id: firing.id }, { outcome, reason, runId });

      if (occurrence.hold) {
        await record('held', occurrence.hold);
        this.logger.log(`schedule ${schedule.id}: ${occurrence.hold}`);
        return;
      }
      const pipeline = await tx
        .getRepository(PipelineEntity)
        .findOneBy({ id: schedule.pipelineId, deletedAt: IsNull() });
      if (!pipeline) {
        await record('failed', 'the pipeline was deleted; the schedule is removed');
        await this.queue.unschedule(schedule.id, tx);
        await tx.getRepository(ScheduleEntity).delete({ id: schedule.id });
        return;
      }
      const version = await tx
        .getRepository(PipelineVersionEntity)
        .findOneByOrFail({ pipelineId: pipeline.id, version: pipeline.currentVersion });
      try {
        const run = await this.runs.startStored(
          pipeline,
          version.file,
          {
            params: schedule.params,
            trigger: occurrence.trigger,
            createdBy: schedule.createdBy,
            scheduleId: schedule.id,
            pins: occurrence.pins,
          },
          tx,
        );
        await record('started', null, run.id);
      } catch (error) {
        if (!(error instanceof PipelineInvalidError)) throw error;
        await record('failed', `the pipeline cannot run: ${error.message}`);
        this.logger.warn(`schedule ${schedule.id} fired, but the pipeline cannot run: ${error.message}`);
      }
    });
  }
}
