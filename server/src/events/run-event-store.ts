import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunEvent, RunEventBody } from '@pipewright/nodes';
import { DataSource, MoreThan, type EntityManager } from 'typeorm';
import { RunEventEntity } from './run-event.entity.js';

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
   * progress column set while it runs, in one statement (one round trip,
   * atomic on its own), so a worker reporting often costs the database little.
   */
  async appendProgress(
    runId: string,
    body: Extract<RunEventBody, { type: 'node-progress' }>,
    manager: EntityManager = this.db.manager,
  ): Promise<RunEvent | undefined> {
    const rows = (await manager.query(
      `WITH next AS (
         UPDATE runs SET last_seq = last_seq + 1
          WHERE id = $1
            AND EXISTS (SELECT 1 FROM run_nodes WHERE run_id = $1 AND node_id = $2 AND status = 'running')
         RETURNING last_seq
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT $1, last_seq, 'node-progress', $2, $3::jsonb FROM next
         RETURNING seq, created_at
       ), node AS (
         UPDATE run_nodes SET progress = $4
         WHERE run_id = $1 AND node_id = $2 AND status = 'running' AND EXISTS (SELECT 1 FROM next)
       )
       SELECT seq, created_at, pg_notify('${RUN_EVENTS_CHANNEL}', $1 || ':' || seq) FROM inserted`,
      [runId, body.nodeId, JSON.stringify(body), Math.max(0, Math.min(100, body.pct))],
    )) as { seq: number; created_at: Date }[];
    // A node that is no longer running (its run was cancelled) reports nothing more.
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
