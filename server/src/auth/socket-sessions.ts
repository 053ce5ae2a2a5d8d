import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { PgNotificationListener } from '../events/pg-notification-listener.js';
import { ACCOUNTS_CHANNEL, AccountsService, type AccountChange, type Session } from './accounts.service.js';
import type { Caller } from './roles.js';

/** What a socket is told before the server closes it because its session is over. */
export const SESSION_ENDED_MESSAGE =
  'the session ended (logged out, expired, password changed or account disabled): log in again';

interface TrackedSocket {
  socket: Socket;
  tokenHash: string;
  userId: string;
  /** Told the caller as it acts now, after a change that left the session alive (a switched workspace, a new role). */
  onCaller(caller: Caller): void;
  expiry?: NodeJS.Timeout;
}

/** setTimeout's longest delay (about 24.8 days); a session lives 14. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps each Socket.IO connection tied to its session. When a session ends
 * (logout, a password change elsewhere, a reset, a disabled account) or
 * expires, its sockets are told and closed; when it switches workspace or
 * its user's roles change, they learn how they act now. Changes arrive on
 * ACCOUNTS_CHANNEL, so a logout on one server instance closes sockets on all.
 */
@Injectable()
export class SocketSessions implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Sessions');
  private readonly tracked = new Map<string, TrackedSocket>();
  private stopListening?: () => void;
  private stopReconnect?: () => void;

  constructor(
    private readonly accounts: AccountsService,
    private readonly listener: PgNotificationListener,
  ) {}

  async onModuleInit(): Promise<void> {
    this.stopListening = await this.listener.listen(ACCOUNTS_CHANNEL, (payload) => this.changed(payload));
    // Notifications sent while the listener was down are lost: check every socket again.
    this.stopReconnect = this.listener.onReconnect(() => {
      for (const tracked of this.tracked.values()) void this.recheck(tracked);
    });
  }

  onApplicationShutdown(): void {
    this.stopListening?.();
    this.stopReconnect?.();
    for (const tracked of this.tracked.values()) clearTimeout(tracked.expiry);
    this.tracked.clear();
  }

  track(socket: Socket, session: Session, onCaller: (caller: Caller) => void): void {
    const tracked: TrackedSocket = { socket, tokenHash: session.tokenHash, userId: session.caller.id, onCaller };
    this.tracked.set(socket.id, tracked);
    this.expireAt(tracked, session.expiresAt);
  }

  untrack(socket: Socket): void {
    clearTimeout(this.tracked.get(socket.id)?.expiry);
    this.tracked.delete(socket.id);
  }

  /** The caller a socket acts as now, read again from its session; undefined (and the socket closed) when it is over. */
  async current(socket: Socket): Promise<Caller | undefined> {
    const tracked = this.tracked.get(socket.id);
    return tracked ? this.recheck(tracked) : undefined;
  }

  private changed(payload: string): void {
    let change: AccountChange;
    try {
      change = JSON.parse(payload) as AccountChange;
    } catch {
      return;
    }
    for (const tracked of this.tracked.values()) {
      const concerned =
        'tokenHash' in change ? tracked.tokenHash === change.tokenHash : tracked.userId === change.userId;
      if (concerned) void this.recheck(tracked);
    }
  }

  private async recheck(tracked: TrackedSocket): Promise<Caller | undefined> {
    let session: Session | undefined;
    try {
      session = await this.accounts.sessionByHash(tracked.tokenHash);
    } catch (error) {
      this.logger.warn(`could not check a socket's session: ${(error as Error).message}`);
      return undefined;
    }
    if (!this.tracked.has(tracked.socket.id)) return undefined;
    if (!session || session.caller.mustChangePassword) {
      this.untrack(tracked.socket);
      tracked.socket.emit('session-ended', { reason: SESSION_ENDED_MESSAGE });
      tracked.socket.disconnect(true);
      return undefined;
    }
    tracked.socket.data.caller = session.caller;
    tracked.onCaller(session.caller);
    this.expireAt(tracked, session.expiresAt);
    return session.caller;
  }

  private expireAt(tracked: TrackedSocket, expiresAt: Date): void {
    clearTimeout(tracked.expiry);
    const delay = Math.min(Math.max(expiresAt.getTime() - Date.now(), 0) + 50, MAX_TIMER_MS);
    tracked.expiry = setTimeout(() => void this.recheck(tracked), delay);
    tracked.expiry.unref();
  }
}
