import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RunEvent, ServerToClientEvents } from '@pipewright/nodes/contracts';
import { announceLoggedOut } from './http';

export type EventStreamState = 'connecting' | 'live' | 'reconnecting';

export interface RunEventHandlers {
  onEvent(event: RunEvent): void;
  onStreamState?(state: EventStreamState): void;
  onError?(message: string): void;
}

/**
 * Follows one run's events over Socket.IO `/runs`. Every (re)connection
 * subscribes again after the last seq seen, so a dropped connection loses no
 * event and replays none. Returns the function that stops following.
 */
export function followRunEvents(
  runId: string,
  afterSeq: number,
  handlers: RunEventHandlers,
  /** The `/runs` namespace; the page's own origin unless given (as tests do). */
  namespaceUrl = '/runs',
): () => void {
  let lastSeq = afterSeq;
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(namespaceUrl, {
    reconnectionDelay: 300,
    reconnectionDelayMax: 3000,
  });
  handlers.onStreamState?.('connecting');

  socket.on('connect', () => {
    socket.emit('subscribe', { runId, afterSeq: lastSeq });
    handlers.onStreamState?.('live');
  });
  socket.on('disconnect', () => handlers.onStreamState?.('reconnecting'));
  socket.io.on('reconnect_attempt', () => handlers.onStreamState?.('reconnecting'));
  socket.on('run-event', (event) => {
    if (event.runId !== runId || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    handlers.onEvent(event);
  });
  socket.on('subscribe-error', (error) => {
    if (error.runId === runId) handlers.onError?.(error.message);
  });
  // Logged out elsewhere, expired, password changed, account disabled: the server closes the socket next.
  socket.on('session-ended', () => announceLoggedOut());

  return () => {
    if (socket.connected) socket.emit('unsubscribe', { runId });
    socket.removeAllListeners();
    socket.io.removeAllListeners();
    socket.disconnect();
  };
}
