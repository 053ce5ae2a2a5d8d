import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunEvent, RunEventBody } from '@pipewright/nodes';
import { DataSource, MoreThan, type EntityManager } from 'typeorm';
import { RunEventEntity } from './run-event.entity.js';

/** The channel that carries `<runId>:<seq>` for every appended event. */
export const RUN_EVENTS_CHANNEL = 'pipewright_run_events';

/** What a worker reports while it runs a node. */
export type NodeReport = Extract<RunEventBody, { type: 'node-progress' } | { type: 'node-log' }>;

/**
 * The run's event log. Appending numbers the event from `runs.last_seq`
 * (the row lock orders a run's events), stores it and NOTIFYs, all in one
 * statement, so an event is either stored and announced or neither; the
 * notification is delivered when the surrounding transaction commits.
 */
@Injectable()
export class RunEventStore {
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
   * What a worker reports about a node it runs (progress, a log line): the
   * event appended and announced, and for progress the node's progress column
   * set, in one statement, only while the node is running and its run is
   * neither finished nor being cancelled.
   *
   * The run's state is read from the run's row as this statement updates it,
   * so under the row lock that a cancel and a run's end take: a report that
   * waited behind a cancel is checked against the row the cancel committed
   * (PostgreSQL re-reads a row it waited for before updating it) and is
   * dropped, so nothing lands after `run-finished`. The node's status cannot
   * carry that guarantee alone: it is read from the snapshot taken before
   * the wait, which still shows the node running.
   */
  async appendNodeReport(
    runId: string,
    body: NodeReport,
    manager: EntityManager = this.db.manager,
  ): Promise<RunEvent | undefined> {
    const progress = body.type === 'node-progress' ? Math.max(0, Math.min(100, body.pct)) : null;
    const rows = (await manager.query(
      `WITH next AS (
         UPDATE runs SET last_seq = last_seq + 1
          WHERE id = $1
            AND status IN ('queued', 'running') AND cancel_requested_at IS NULL
            AND EXISTS (SELECT 1 FROM run_nodes WHERE run_id = $1 AND node_id = $2 AND status = 'running')
         RETURNING last_seq
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT $1, last_seq, $3, $2, $4::jsonb FROM next
         RETURNING seq, created_at
       ), node AS (
         UPDATE run_nodes SET progress = $5
         WHERE $5::real IS NOT NULL AND run_id = $1 AND node_id = $2 AND status = 'running'
           AND EXISTS (SELECT 1 FROM next)
       )
       SELECT seq, created_at, pg_notify('${RUN_EVENTS_CHANNEL}', $1 || ':' || seq) FROM inserted`,
      [runId, body.nodeId, body.type, JSON.stringify(body), progress],
    )) as { seq: number; created_at: Date }[];
    if (rows.length === 0) return undefined;
    return toRunEvent(runId, rows[0].seq, rows[0].created_at, body);
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
