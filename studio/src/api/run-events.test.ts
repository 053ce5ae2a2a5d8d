import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, RunEvent, ServerToClientEvents } from '@pipewright/nodes';
import { followRunEvents, type EventStreamState } from './run-events';

type RunsSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const event = (seq: number, nodeId: string): RunEvent => ({
  type: 'node-started',
  nodeId,
  runId: 'run-1',
  seq,
  at: new Date(0).toISOString(),
});

function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error('timed out'));
      }
    }, 10);
  });
}

describe('followRunEvents (a real Socket.IO server)', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('subscribes again after a dropped connection from the last seq it saw, and misses nothing', async () => {
    const http = createServer();
    const io = new Server<ClientToServerEvents, ServerToClientEvents>(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => io.close(() => resolve())));
    const subscriptions: { runId: string; afterSeq?: number }[] = [];
    const sockets: RunsSocket[] = [];
    io.of('/runs').on('connection', (socket: RunsSocket) => {
      sockets.push(socket);
      socket.on('subscribe', (request) => subscriptions.push(request));
    });

    const received: number[] = [];
    const states: EventStreamState[] = [];
    const { port } = http.address() as AddressInfo;
    const stop = followRunEvents(
      'run-1',
      0,
      { onEvent: (e) => received.push(e.seq), onStreamState: (state) => states.push(state) },
      `http://127.0.0.1:${port}/runs`,
    );
    cleanups.push(stop);

    await until(() => subscriptions.length === 1);
    expect(subscriptions[0]).toEqual({ runId: 'run-1', afterSeq: 0 });
    sockets[0].emit('run-event', event(1, 'a'));
    sockets[0].emit('run-event', event(2, 'b'));
    await until(() => received.length === 2);

    // The transport drops (a proxy restarts, the laptop sleeps): the client reconnects on its own.
    sockets[0].conn.close();
    await until(() => subscriptions.length === 2);
    expect(subscriptions[1]).toEqual({ runId: 'run-1', afterSeq: 2 });
    expect(states).toContain('reconnecting');

    // A server replaying from its store may resend what the client has; it is shown once.
    sockets[1].emit('run-event', event(2, 'b'));
    sockets[1].emit('run-event', event(3, 'c'));
    await until(() => received.length === 3);
    expect(received).toEqual([1, 2, 3]);
  });
});
