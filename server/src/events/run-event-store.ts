import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunEvent, RunEventBody } from '@pipewright/nodes';
import { DataSource, MoreThan, type EntityManager } from 'typeorm';
import { RunEventEntity } from './run-event.entity.js';

/** The channel that carries `<runId>:<seq>` for every appended event. */
export const RUN_EVENTS_CHANNEL = 'pipewright_run_events';

/** What a worker reports while it runs a node. */
export type NodeReport = Extract<RunEventBody, { type: 'node-progress' } | { type: 'node-log' }>;

interface PendingReport {
  runId: string;
  body: NodeReport;
  resolve(event: RunEvent | undefined): void;
  reject(error: unknown): void;
}

/** The most node reports one statement writes. */
const REPORT_BATCH_LIMIT = 1000;

/**
 * The run's event log. Appending numbers the event from `runs.last_seq`
 * (the row lock orders a run's events), stores it and NOTIFYs, all in one
 * statement, so an event is either stored and announced or neither; the
 * notification is delivered when the surrounding transaction commits.
 */
@Injectable()
export class RunEventStore {
  private readonly pendingReports: PendingReport[] = [];
  private writingReports = false;

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
   * set, only while the node is running and its run is neither finished nor
   * being cancelled. Resolves once stored, with the event, or undefined when
   * it was dropped.
   *
   * Reports are written in batches: while one batch is being written, every
   * report that arrives (from any run) joins the next, which goes as one
   * statement (one commit, one notification a run) when the first is done.
   * An idle worker's report is written at once; the database sees one
   * statement a batch rather than one a report.
   */
  appendNodeReport(runId: string, body: NodeReport): Promise<RunEvent | undefined> {
    return new Promise((resolve, reject) => {
      this.pendingReports.push({ runId, body, resolve, reject });
      if (!this.writingReports) void this.writeReports();
    });
  }

  private async writeReports(): Promise<void> {
    this.writingReports = true;
    // Reports made in the same turn of the event loop join the first batch.
    await Promise.resolve();
    try {
      while (this.pendingReports.length > 0) {
        const batch = this.pendingReports.splice(0, REPORT_BATCH_LIMIT);
        try {
          const events = await this.appendReportBatch(batch);
          batch.forEach((report, index) => report.resolve(events[index]));
        } catch (error) {
          for (const report of batch) report.reject(error);
        }
      }
    } finally {
      this.writingReports = false;
    }
  }

  /**
   * One statement for a batch of node reports of any runs. Each run's row is
   * locked (in id order, so two batches never wait on each other in a
   * circle) and its `last_seq` advanced by its reports, numbered in the order
   * they were made; a node's progress column takes its last progress; each
   * run is announced once, with its highest seq.
   *
   * The run's state is read from the run's row as this statement updates it,
   * so under the row lock that a cancel and a run's end take: a report that
   * waited behind a cancel is checked against the row the cancel committed
   * (PostgreSQL re-reads a row it waited for before updating it) and is
   * dropped, so nothing lands after `run-finished`. The node's status cannot
   * carry that guarantee alone: it is read from the snapshot taken before
   * the wait, which still shows the node running.
   */
  private async appendReportBatch(batch: PendingReport[]): Promise<(RunEvent | undefined)[]> {
    const rows = (await this.named(
      'pipewright_append_reports',
      `WITH input AS (
         SELECT i.run_id, i.node_id, i.type, i.payload, i.pct, i.ord
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::real[]) WITH ORDINALITY
                AS i (run_id, node_id, type, payload, pct, ord)
          WHERE EXISTS (SELECT 1 FROM run_nodes n
                         WHERE n.run_id = i.run_id AND n.node_id = i.node_id AND n.status = 'running')
       ), counts AS (
         SELECT run_id, count(*)::int AS n FROM input GROUP BY run_id
       ), locked AS (
         SELECT r.id FROM runs r WHERE r.id IN (SELECT run_id FROM counts) ORDER BY r.id FOR UPDATE
       ), next AS (
         UPDATE runs r SET last_seq = r.last_seq + c.n FROM counts c
          WHERE r.id = c.run_id AND r.id IN (SELECT id FROM locked)
            AND r.status IN ('queued', 'running') AND r.cancel_requested_at IS NULL
         RETURNING r.id, r.last_seq, c.n
       ), numbered AS (
         SELECT i.run_id, i.node_id, i.type, i.payload, i.pct, i.ord,
                next.last_seq - next.n + row_number() OVER (PARTITION BY i.run_id ORDER BY i.ord) AS seq
           FROM input i JOIN next ON next.id = i.run_id
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT run_id, seq, type, node_id, payload FROM numbered
         RETURNING run_id, seq, created_at
       ), latest AS (
         SELECT DISTINCT ON (run_id, node_id) run_id, node_id, pct FROM numbered
          WHERE pct IS NOT NULL ORDER BY run_id, node_id, ord DESC
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
        batch.map((report) => report.body.type),
        batch.map((report) => JSON.stringify(report.body)),
        batch.map((report) =>
          report.body.type === 'node-progress' ? Math.max(0, Math.min(100, report.body.pct)) : null,
        ),
      ],
    )) as { ord: string; seq: number; created_at: Date }[];
    const events: (RunEvent | undefined)[] = batch.map(() => undefined);
    for (const row of rows) {
      const index = Number(row.ord) - 1;
      events[index] = toRunEvent(batch[index].runId, Number(row.seq), row.created_at, batch[index].body);
    }
    return events;
  }

  /**
   * A statement run as a named prepared statement: PostgreSQL parses and plans it once a connection instead of
   * every time (the report batch's plan costs more than running it).
   */
  private async named(name: string, text: string, values: unknown[]): Promise<unknown[]> {
    const runner = this.db.createQueryRunner();
    try {
      const client = (await runner.connect()) as {
        query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
      };
      return (await client.query({ name, text, values })).rows;
    } finally {
      await runner.release();
    }
  }

  /** Appends `bodies` in order, in one statement (a run's start: its own event and one a node). */
  async appendAll(runId: string, bodies: RunEventBody[], manager: EntityManager = this.db.manager): Promise<void> {
    if (bodies.length === 0) return;
    const rows = (await manager.query(
      `WITH next AS (
         UPDATE runs SET last_seq = last_seq + cardinality($2::text[]) WHERE id = $1 RETURNING last_seq
       ), inserted AS (
         INSERT INTO run_events (run_id, seq, type, node_id, payload)
         SELECT $1, next.last_seq - cardinality($2::text[]) + body.n, body.type, body.node_id, body.payload
         FROM next, unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS body(type, node_id, payload, n)
         RETURNING seq
       )
       SELECT pg_notify('${RUN_EVENTS_CHANNEL}', $1 || ':' || seq) FROM inserted ORDER BY seq`,
      [
        runId,
        bodies.map((body) => body.type),
        bodies.map((body) => ('nodeId' in body ? body.nodeId : null)),
        bodies.map((body) => JSON.stringify(body)),
      ],
    )) as unknown[];
    if (rows.length === 0) throw new Error(`run ${runId} does not exist`);
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
