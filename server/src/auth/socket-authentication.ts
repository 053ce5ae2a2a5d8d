import type { Socket } from 'socket.io';
import type { AccountsService } from './accounts.service.js';
import { sessionToken } from './session-cookie.js';

/**
 * Socket.IO middleware: a connection carries the session in its handshake —
 * the studio's cookie, a bearer header, or `io(url, { auth: { token } })` —
 * or is refused with a connect_error saying so.
 */
export function authenticateSockets(accounts: AccountsService) {
  return (socket: Socket, next: (error?: Error) => void): void => {
    const handshake = socket.handshake;
    const offered = (handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof offered === 'string' && offered ? offered : sessionToken(handshake.headers);
    if (!token) return next(new Error('unauthenticated: log in first'));
    accounts.authenticate(token).then(
      (caller) => {
        if (!caller) return next(new Error('unauthenticated: the session has expired or was ended'));
        if (caller.mustChangePassword) {
          return next(new Error('forbidden: choose your own password first (POST /api/auth/password)'));
        }
        socket.data.caller = caller;
        next();
      },
      (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
