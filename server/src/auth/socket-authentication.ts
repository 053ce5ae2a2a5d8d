import type { Socket } from 'socket.io';
import type { AccountsService } from './accounts.service.js';
import { sessionToken } from './session-cookie.js';

/**
 * Socket.IO middleware: a connection carries the session in its handshake —
 * the studio's cookie, a bearer header, or `io(url, { auth: { token } })` —
 * or is refused with a connect_error saying so. The socket keeps its
 * session (`socket.data.session`) so it can be closed when that session ends.
 */
export function authenticateSockets(accounts: AccountsService) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const handshake = socket.handshake;
    const offered = (handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof offered === 'string' && offered ? offered : sessionToken(handshake.headers);
    if (!token) return next(new Error('unauthenticated: log in first'));
    accounts.session(token).then(
      (session) => {
        if (!session) return next(new Error('unauthenticated: the session has expired or was ended'));
        if (session.caller.mustChangePassword) {
          return next(new Error('forbidden: choose your own password first (POST /api/auth/password)'));
        }
        socket.data.caller = session.caller;
        socket.data.session = session;
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
