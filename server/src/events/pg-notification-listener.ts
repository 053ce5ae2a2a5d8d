import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_CONNECTION, type DatabaseConnection } from '../database/database-connection.js';

type NotificationHandler = (payload: string) => void;

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;
const HEALTH_CHECK_MS = 15_000;

/**
 * One dedicated connection that LISTENs for the channels asked for, and
 * reconnects when it drops. Notifications sent while it was down are lost,
 * so every (re)connection is announced: listeners then catch up from the
 * tables the notifications point into.
 */
@Injectable()
export class PgNotificationListener implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private closed = false;
  private retryDelayMs = 250;
  private retryTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;

  constructor(@Inject(DATABASE_CONNECTION) private readonly database: DatabaseConnection) {}

  /** Calls `handler` with each notification's payload on `channel`; resolves once listening. */
  async listen(channel: string, handler: NotificationHandler): Promise<() => void> {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`"${channel}" is not a channel name`);
    let set = this.handlers.get(channel);
    const isNew = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    await this.connect();
    if (isNew && this.client) await this.client.query(`LISTEN ${channel}`);
    return () => set.delete(handler);
  }

  /** Called after every reconnection (not the first connection): time to catch up. */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.healthTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.open(false).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(isReconnect: boolean): Promise<void> {
    const client = new pg.Client({
      connectionString: this.database.url,
      keepAlive: true,
      application_name: 'pipewright-listener',
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) {
        try {
          handler(message.payload ?? '');
        } catch (error) {
          this.logger.error(`a ${message.channel} handler failed: ${String(error)}`);
        }
      }
    });
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.client = client;
    this.retryDelayMs = 250;
    clearInterval(this.healthTimer);
    // A connection can die without an error (a half-open TCP socket): a cheap query notices.
    this.healthTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.lost(client, error));
    }, HEALTH_CHECK_MS);
    this.healthTimer.unref();
    if (isReconnect) {
      this.logger.log('listening again');
      for (const handler of this.reconnectHandlers) handler();
    }
  }

  private lost(client: pg.Client, error?: unknown): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    clearInterval(this.healthTimer);
    client.end().catch(() => undefined);
    this.logger.warn(`lost the notification connection${error ? `: ${String(error)}` : ''}; reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.open(true).catch((error: unknown) => {
        this.logger.warn(`could not reconnect: ${String(error)}`);
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
        this.scheduleReconnect();
      });
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }
}
