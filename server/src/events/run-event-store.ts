import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunEvent, RunEventBody } from '@pipewright/nodes';
import { DataSource, MoreThan, type EntityManager } from 'typeorm';
import { RunEventEntity } from './run-event.entity.js';

type ProgressBody = Extract<RunEventBody, { type: 'node-progress' }>;

interface PendingProgress {
  runId: string;
  body: ProgressBody;
  resolve(event: RunEvent | undefined): void;
  reject(error: unknown): void;
}

/** The most progress reports one statement writes. */
const PROGRESS_BATCH_LIMIT = 1000;

/** The channel that carries `<runId>:<seq>` for every appended event. */
export const RUN_EVENTS_CHANNEL = 'pipewright_run_events';

/**
 * The run's event log. Appending numbers the event from `runs.last_seq`
 * (the row lock orders a run's events), stores it and NOTIFYs, all in one
 * statement, so an event is either stored and announced or neither; the
 * notification is delivered when the surrounding transaction commits.
 */
@Injectable()
export class RunEventStore {
  private readonly pendingProgress: PendingProgress[] = [];
  private writingProgress = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async append(runId: string, body: RunEventBody, manager: EntityManager = this.db.manager): Promise<RunEvent> {
    const nodeId = 'nodeId' in body ? body.nodeId : null;
    const rows = (await manager.query(
      `WITH next AS (
         UPDATE runs SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT $1, last_seq, $2, $3, $4::jsonb FROM next
         RETURNING seq, created_at
       )
       SELECT seq, created_at, pg_notify('${RUN_EVENTS_CHANNEL}', $1 || ':' || seq) FROM inserted`,
      [runId, body.type, nodeId, JSON.stringify(body)],
    )) as { seq: number; created_at: Date }[];
    if (rows.length === 0) throw new Error(`run ${runId} does not exist`);
    return toRunEvent(runId, rows[0].seq, rows[0].created_at, body);
  }

  /**
   * A node's progress: the event appended and announced, and the node's
   * progress column set while it runs. Reports are written in batches: while
   * one batch is being written, the next gathers every report that arrives
   * (from any run), and goes as one statement (one commit, one notification a
   * run) when the first is done. An idle worker's report is written at once;
   * a busy one's wait for at most one batch, and the database sees one
   * statement a batch rather than one a report. Resolves once the event is
   * stored (undefined when the node was no longer running: a cancelled run's
   * node reports nothing more).
   */
  appendProgress(runId: string, body: ProgressBody): Promise<RunEvent | undefined> {
    return new Promise((resolve, reject) => {
      this.pendingProgress.push({ runId, body, resolve, reject });
      if (!this.writingProgress) void this.writeProgress();
    });
  }

  private async writeProgress(): Promise<void> {
    this.writingProgress = true;
    // Reports made in the same turn of the event loop join the first batch.
    await Promise.resolve();
    try {
      while (this.pendingProgress.length > 0) {
        const batch = this.pendingProgress.splice(0, PROGRESS_BATCH_LIMIT);
        try {
          const events = await this.appendProgressBatch(batch);
          batch.forEach((report, index) => report.resolve(events[index]));
        } catch (error) {
          for (const report of batch) report.reject(error);
        }
      }
    } finally {
      this.writingProgress = false;
    }
  }

  /**
   * One statement for a batch of progress reports of any runs: each run's row
   * is locked (in id order, so two batches never wait on each other in a
   * circle) and its `last_seq` advanced by its reports, which are numbered in
   * the order they were made; the node's progress column takes its last
   * report; each run is announced once, with its highest seq. Reports of a
   * node that is not running are dropped.
   */
  private async appendProgressBatch(batch: PendingProgress[]): Promise<(RunEvent | undefined)[]> {
    const rows = (await this.db.query(
      `WITH input AS (
         SELECT i.run_id, i.node_id, i.payload, i.pct, i.ord
           FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::float8[]) WITH ORDINALITY
                AS i (run_id, node_id, payload, pct, ord)
          WHERE EXISTS (SELECT 1 FROM run_nodes n
                         WHERE n.run_id = i.run_id AND n.node_id = i.node_id AND n.status = 'running')
       ), counts AS (
         SELECT run_id, count(*)::int AS n FROM input GROUP BY run_id
       ), locked AS (
         SELECT r.id FROM runs r WHERE r.id IN (SELECT run_id FROM counts) ORDER BY r.id FOR UPDATE
       ), next AS (
         UPDATE runs r SET last_seq = r.last_seq + c.n FROM counts c
          WHERE r.id = c.run_id AND r.id IN (SELECT id FROM locked)
         RETURNING r.id, r.last_seq, c.n
       ), numbered AS (
         SELECT i.run_id, i.node_id, i.payload, i.pct, i.ord,
                next.last_seq - next.n + row_number() OVER (PARTITION BY i.run_id ORDER BY i.ord) AS seq
           FROM input i JOIN next ON next.id = i.run_id
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT run_id, seq, 'node-progress', node_id, payload FROM numbered
         RETURNING run_id, seq, created_at
       ), latest AS (
         SELECT DISTINCT ON (run_id, node_id) run_id, node_id, pct FROM numbered ORDER BY run_id, node_id, ord DESC
       ), progressed AS (
         UPDATE run_nodes n SET progress = latest.pct FROM latest
          WHERE n.run_id = latest.run_id AND n.node_id = latest.node_id AND n.status = 'running'
       )
       SELECT numbered.ord, inserted.seq, inserted.created_at,
              CASE WHEN inserted.seq = max(inserted.seq) OVER (PARTITION BY inserted.run_id)
                   THEN pg_notify('${RUN_EVENTS_CHANNEL}', inserted.run_id || ':' || inserted.seq) END
         FROM inserted JOIN numbered ON numbered.run_id = inserted.run_id AND numbered.seq = inserted.seq`,
      [
        batch.map((report) => report.runId),
        batch.map((report) => report.body.nodeId),
        batch.map((report) => JSON.stringify(report.body)),
        batch.map((report) => Math.max(0, Math.min(100, report.body.pct))),
      ],
    )) as { ord: string; seq: number; created_at: Date }[];
    const events: (RunEvent | undefined)[] = batch.map(() => undefined);
    for (const row of rows) {
      const index = Number(row.ord) - 1;
      events[index] = toRunEvent(batch[index].runId, Number(row.seq), row.created_at, batch[index].body);
    }
    return events;
  }

  async appendAll(runId: string, bodies: RunEventBody[], manager: EntityManager = this.db.manager): Promise<void> {
    for (const body of bodies) await this.append(runId, body, manager);
  }

  /** Whether the run has an event of `type` about `nodeId` (a deploy's outcome is reported once). */
  async has(runId: string, type: RunEventBody['type'], nodeId: string): Promise<boolean> {
    return this.db.getRepository(RunEventEntity).existsBy({ runId, type, nodeId });
  }

  /** Events after `afterSeq`, oldest first. */
  async after(runId: string, afterSeq: number, limit = 10_000): Promise<RunEvent[]> {
    const rows = await this.db.getRepository(RunEventEntity).find({
      where: { runId, seq: MoreThan(afterSeq) },
      order: { seq: 'ASC' },
      take: limit,
    });
    return rows.map((row) => toRunEvent(row.runId, row.seq, row.createdAt, row.payload));
  }
}

function toRunEvent(runId: string, seq: number, at: Date, body: RunEventBody): RunEvent {
  return { ...body, runId, seq, at: at.toISOString() };
}
