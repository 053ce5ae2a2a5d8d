import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { ClientToServerEvents, ServerToClientEvents } from '@pipewright/nodes';
import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import { ApiError } from '../api/api-errors.js';
import { AccountsService } from '../auth/accounts.service.js';
import type { Caller } from '../auth/roles.js';
import { authenticateSockets } from '../auth/socket-authentication.js';
import { RunEventRelay } from './run-event-relay.js';

type RunSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const subscribeSchema = z.object({ runId: z.string().min(1), afterSeq: z.number().int().min(0).default(0) });
const unsubscribeSchema = z.object({ runId: z.string().min(1) });

/**
 * Socket.IO `/runs`: a client subscribes to a run of its workspace after the
 * last seq it saw and gets every later event once, in order, stored ones first.
 */
@WebSocketGateway({ namespace: '/runs' })
export class RunEventsGateway implements OnGatewayInit, OnGatewayDisconnect {
  private readonly logger = new Logger('RunEvents');
  /** Socket id → run id → unsubscribe. */
  private readonly subscriptions = new Map<string, Map<string, () => void>>();

  constructor(
    private readonly relay: RunEventRelay,
    private readonly accounts: AccountsService,
  ) {}

  /** Only logged-in clients connect (the studio's cookie, or `auth: { token }`). */
  afterInit(namespace: Namespace): void {
    namespace.use(authenticateSockets(this.accounts));
  }

  @SubscribeMessage('subscribe')
  async subscribe(@ConnectedSocket() socket: RunSocket, @MessageBody() body: unknown): Promise<void> {
    const request = subscribeSchema.safeParse(body);
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
      // A run of another workspace is refused exactly as an unknown one.
      const caller = socket.data.caller as Caller;
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
      bySocket.get(runId)?.();
      bySocket.set(runId, unsubscribe);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof ApiError)) this.logger.warn(`subscribe to ${runId} failed: ${message}`);
      socket.emit('subscribe-error', { runId, message });
    }
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: RunSocket, @MessageBody() body: unknown): void {
    const request = unsubscribeSchema.safeParse(body);
    if (request.success) this.drop(socket.id, request.data.runId);
  }

  handleDisconnect(socket: RunSocket): void {
    for (const unsubscribe of this.subscriptions.get(socket.id)?.values() ?? []) unsubscribe();
    this.subscriptions.delete(socket.id);
  }

  private drop(socketId: string, runId: string): void {
    const bySocket = this.subscriptions.get(socketId);
    bySocket?.get(runId)?.();
    bySocket?.delete(runId);
  }
}
