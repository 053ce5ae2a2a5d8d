import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunEvent } from '@pipewright/nodes';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../api/api-errors.js';
import { isUuid } from '../api/ids.js';
import { PgNotificationListener } from './pg-notification-listener.js';
import { RUN_EVENTS_CHANNEL, RunEventStore } from './run-event-store.js';

interface Subscriber {
  lastSent: number;
  /** Live events that arrive while the stored ones are replayed wait here. */
  pending: RunEvent[] | undefined;
  deliver(event: RunEvent): void;
}

/** The runs someone follows: what has been read of each, and who gets it. */
interface Feed {
  runId: string;
  readUpTo: number;
  subscribers: Set<Subscriber>;
  reading: Promise<void>;
  readQueued: boolean;
}

const SWEEP_MS = 5_000;

/**
 * Hands each subscriber every event of a run after the seq it asks for,
 * exactly once and in order: first the stored ones, then live ones as their
 * notifications arrive. Notifications only say "run R has event N"; the
 * events are read from the table, after the last one read, so a lost or
 * reordered notification costs nothing but a moment.
 */
@Injectable()
export class RunEventRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RunEvents');
  private readonly feeds = new Map<string, Feed>();
  private sweepTimer?: NodeJS.Timeout;
  private stopListening?: () => void;
  private stopReconnect?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: RunEventStore,
    private readonly listener: PgNotificationListener,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.listener.listen(RUN_EVENTS_CHANNEL, (payload) => this.notified(payload));
    this.stopReconnect = this.listener.onReconnect(() => this.readAll());
    // A safety net for a notification connection that died quietly.
    this.sweepTimer = setInterval(() => this.readAll(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweepTimer);
    this.stopListening?.();
    this.stopReconnect?.();
    this.feeds.clear();
  }

  /**
   * Delivers the run's events after `afterSeq` now, then live ones until the
   * returned function is called. Throws NotFoundError for an unknown run,
   * and, when `workspaceId` is given, for a run of another workspace.
   */
  async subscribe(
    runId: string,
    afterSeq: number,
    deliver: (event: RunEvent) => void,
    workspaceId?: string,
  ): Promise<() => void> {
    const lastSeq = isUuid(runId) ? await this.lastSeq(runId, workspaceId) : undefined;
    if (lastSeq === undefined) throw new NotFoundError('run', runId);

    let feed = this.feeds.get(runId);
    if (!feed) {
      feed = { runId, readUpTo: lastSeq, subscribers: new Set(), reading: Promise.resolve(), readQueued: false };
      this.feeds.set(runId, feed);
    }
    const subscriber: Subscriber = { lastSent: afterSeq, pending: [], deliver };
    feed.subscribers.add(subscriber);
    const unsubscribe = () => {
      const current = this.feeds.get(runId);
      if (!current) return;
      current.subscribers.delete(subscriber);
      if (current.subscribers.size === 0) this.feeds.delete(runId);
    };

    // Everything stored now is in the replay; anything announced from here on
    // waits in `pending`, and what both hold is sent once.
    try {
      for (;;) {
        const stored = await this.store.after(runId, subscriber.lastSent, 1000);
        for (const event of stored) send(subscriber, event);
        if (stored.length < 1000) break;
      }
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const pending = subscriber.pending ?? [];
    subscriber.pending = undefined;
    for (const event of pending) send(subscriber, event);
    return unsubscribe;
  }

  private notified(payload: string): void {
    const colon = payload.lastIndexOf(':');
    const runId = payload.slice(0, colon);
    const seq = Number(payload.slice(colon + 1));
    const feed = this.feeds.get(runId);
    if (feed && seq > feed.readUpTo) this.read(feed);
  }

  private readAll(): void {
    for (const feed of this.feeds.values()) this.read(feed);
  }

  /** Reads what is new for a feed; reads of one feed run one after another, and at most one waits. */
  private read(feed: Feed): void {
    if (feed.readQueued) return;
    feed.readQueued = true;
    feed.reading = feed.reading.then(async () => {
      feed.readQueued = false;
      try {
        for (;;) {
          const events = await this.store.after(feed.runId, feed.readUpTo, 1000);
          for (const event of events) {
            feed.readUpTo = event.seq;
            for (const subscriber of feed.subscribers) {
              if (subscriber.pending) subscriber.pending.push(event);
              else send(subscriber, event);
            }
          }
          if (events.length < 1000) break;
        }
      } catch (error) {
        this.logger.warn(`could not read the events of run ${feed.runId}: ${String(error)}`);
      }
    });
  }

  private async lastSeq(runId: string, workspaceId?: string): Promise<number | undefined> {
    const rows = (await this.db.query(
      `SELECT last_seq FROM runs WHERE id = $1 AND ($2::uuid IS NULL OR workspace_id = $2::uuid)`,
      [runId, workspaceId ?? null],
    )) as { last_seq: number }[];
    return rows[0]?.last_seq;
  }
}

function send(subscriber: Subscriber, event: RunEvent): void {
  if (event.seq <= subscriber.lastSent) return;
  subscriber.lastSent = event.seq;
  try {
    subscriber.deliver(event);
  } catch {
    // A subscriber that cannot take an event (a closed socket) is removed by its owner.
  }
}
