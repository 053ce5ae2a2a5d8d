import type { Request, Response } from 'express';
import { SESSION_DAYS } from './accounts.service.js';
import { bearerToken } from './tokens.js';

export const SESSION_COOKIE = 'pipewright_session';
/**
 * Beside the HttpOnly session cookie, one the studio's script can read,
 * holding no secret: whether to ask `GET /api/auth/me` who is logged in at
 * all. Without it the login page opens with no request (a 401 answered to
 * a visitor who never logged in shows as an error in the browser console).
 */
export const SIGNED_IN_COOKIE = 'pipewright_signed_in';

/** A request's session token: the bearer token of a script, or the studio's cookie. */
export function sessionToken(headers: {
  authorization?: string | string[];
  cookie?: string | string[];
}): string | undefined {
  const bearer = bearerToken(headers.authorization);
  if (bearer) return bearer;
  const cookie = Array.isArray(headers.cookie) ? headers.cookie.join('; ') : headers.cookie;
  return cookie ? readCookie(cookie, SESSION_COOKIE) : undefined;
}

function readCookie(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return decodeURIComponent(pair.slice(at + 1).trim()) || undefined;
  }
  return undefined;
}

export function setSessionCookie(request: Request, response: Response, token: string): void {
  const options = { sameSite: 'lax' as const, secure: request.secure, path: '/', maxAge: SESSION_DAYS * 86_400_000 };
  response.cookie(SESSION_COOKIE, token, { ...options, httpOnly: true });
  response.cookie(SIGNED_IN_COOKIE, '1', options);
}

export function clearSessionCookie(response: Response): void {
  response.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/' });
  response.clearCookie(SIGNED_IN_COOKIE, { sameSite: 'lax', path: '/' });
}
