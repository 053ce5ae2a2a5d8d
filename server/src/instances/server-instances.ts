import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const HEARTBEAT_MS = 5_000;
/** An instance silent this long no longer counts. */
const LIVE_WITHIN_SECONDS = 15;

/**
 * The server instances answering on this database, each heartbeating in
 * `server_instances`. Limits meant for the whole service (an API key's
 * requests a second) are split between the live instances: behind a load
 * balancer that spreads requests evenly, each enforcing its share holds the
 * key to its rate however many instances run.
 */
@Injectable()
export class ServerInstances implements OnApplicationShutdown {
  private readonly logger = new Logger('Instances');
  readonly id = randomUUID();
  private live = 1;
  private timer?: NodeJS.Timeout;
  private started = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Registers this process as a serving instance (one with an HTTP server) and keeps it alive. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.db.query(`INSERT INTO server_instances (id, name) VALUES ($1, $2)`, [
      this.id,
      `${hostname()}-${process.pid}`,
    ]);
    // Instances that died without saying so are forgotten after a day.
    await this.db.query(`DELETE FROM server_instances WHERE heartbeat_at < now() - interval '1 day'`);
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** How many instances are alive now (at least this one), as of the last heartbeat. */
  liveCount(): number {
    return this.live;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (!this.started) return;
    await this.db.query(`DELETE FROM server_instances WHERE id = $1`, [this.id]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      // Re-inserted if it was removed meanwhile (a database restored, a day-long pause).
      const rows = (await this.db.query(
        `WITH beat AS (
           INSERT INTO server_instances (id, name) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
         )
         SELECT count(*)::int AS live FROM server_instances
          WHERE id <> $1 AND heartbeat_at > now() - make_interval(secs => $3)`,
        [this.id, `${hostname()}-${process.pid}`, LIVE_WITHIN_SECONDS],
      )) as { live: number }[];
      this.live = 1 + (rows[0]?.live ?? 0);
    } catch (error) {
      this.logger.warn(`server instance heartbeat failed: ${String(error)}`);
    }
  }
}
