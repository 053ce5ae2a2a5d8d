import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  subscribeRequestSchema,
  unsubscribeRequestSchema,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@pipewright/nodes/contracts';
import type { Namespace, Socket } from 'socket.io';
import { ApiError } from '../api/api-errors.js';
import { checkSocketOrigin } from '../api/web-hardening.js';
import { SETTINGS } from '../config/settings.module.js';
import type { Settings } from '../config/settings.js';
import { AccountsService, type Session } from '../auth/accounts.service.js';
import type { Caller } from '../auth/roles.js';
import { authenticateSockets } from '../auth/socket-authentication.js';
import { SocketSessions } from '../auth/socket-sessions.js';
import { RunEventRelay } from './run-event-relay.js';

type RunSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

/** A run a socket follows, and the workspace it was reached through. */
interface Subscription {
  workspaceId: string;
  unsubscribe(): void;
}

/**
 * Socket.IO `/runs`: a client subscribes to a run of its workspace after the
 * last seq it saw and gets every later event once, in order, stored ones first.
 * A socket lives as long as its session: logging out, a password change, a
 * disabled account or expiry close it (SocketSessions); switching the
 * session's workspace ends its subscriptions to the old workspace's runs.
 */
@WebSocketGateway({ namespace: '/runs' })
export class RunEventsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('RunEvents');
  /** Socket id → run id → subscription. */
  private readonly subscriptions = new Map<string, Map<string, Subscription>>();

  constructor(
    private readonly relay: RunEventRelay,
    private readonly accounts: AccountsService,
    private readonly sessions: SocketSessions,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /** Only logged-in clients connect (the studio's cookie, or `auth: { token }`), from a page of an allowed origin. */
  afterInit(namespace: Namespace): void {
    namespace.use(checkSocketOrigin(this.settings.allowedOrigins));
    namespace.use(authenticateSockets(this.accounts));
  }

  handleConnection(socket: RunSocket): void {
    this.sessions.track(socket, socket.data.session as Session, (caller) => this.leaveOtherWorkspaces(socket, caller));
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: RunSocket, @MessageBody() body: unknown): Promise<void> {
    const request = subscribeRequestSchema.safeParse(body);
    if (!request.success) {
      const runId = typeof (body as { runId?: unknown })?.runId === 'string' ? (body as { runId: string }).runId : '';
      socket.emit('subscribe-error', {
        runId,
        message: 'subscribe takes { runId, afterSeq } with afterSeq a whole number ≥ 0',
      });
      return;
    }
    const { runId, afterSeq } = request.data;
    this.drop(socket.id, runId);
    try {
      // As the session acts now (its workspace may have changed); an ended session closes the socket.
      const caller = await this.sessions.current(socket);
      if (!caller) return;
      // A run of another workspace is refused exactly as an unknown one.
      const unsubscribe = await this.relay.subscribe(
        runId,
        afterSeq,
        (event) => socket.emit('run-event', event),
        caller.workspaceId,
      );
      if (socket.disconnected) {
        unsubscribe();
        return;
      }
      let bySocket = this.subscriptions.get(socket.id);
      if (!bySocket) this.subscriptions.set(socket.id, (bySocket = new Map()));
      bySocket.get(runId)?.unsubscribe();
      bySocket.set(runId, { workspaceId: caller.workspaceId, unsubscribe });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof ApiError)) this.logger.warn(`subscribe to ${runId} failed: ${message}`);
      socket.emit('subscribe-error', { runId, message });
    }
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: RunSocket, @MessageBody() body: unknown): void {
    const request = unsubscribeRequestSchema.safeParse(body);
    if (request.success) this.drop(socket.id, request.data.runId);
  }

  handleDisconnect(socket: RunSocket): void {
    this.sessions.untrack(socket);
    for (const subscription of this.subscriptions.get(socket.id)?.values() ?? []) subscription.unsubscribe();
    this.subscriptions.delete(socket.id);
  }

  /** The session now works elsewhere (or lost its place here): the runs of the workspace it left stop. */
  private leaveOtherWorkspaces(socket: RunSocket, caller: Caller): void {
    for (const [runId, subscription] of this.subscriptions.get(socket.id) ?? []) {
      if (subscription.workspaceId === caller.workspaceId) continue;
      this.drop(socket.id, runId);
      socket.emit('subscribe-error', {
        runId,
        message: `run "${runId}" belongs to a workspace this session no longer works in`,
      });
    }
  }

  private drop(socketId: string, runId: string): void {
    const bySocket = this.subscriptions.get(socketId);
    bySocket?.get(runId)?.unsubscribe();
    bySocket?.delete(runId);
  }
}
