import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * A device cookie (OWASP's defence against lockout abuse): after a good
 * login, the browser keeps proof that it once logged in to that account.
 * A login that shows it is judged by that device's own failures, not by the
 * account's or the address's, so an attacker who locks an account or floods
 * an address shared behind a proxy does not lock out the people who use it.
 * The proof is an HMAC keyed with the account's password hash: no secret to
 * share between server instances, and a password change revokes it.
 */
export const DEVICE_COOKIE = 'pipewright_device';
const DEVICE_DAYS = 365;

export function deviceToken(email: string, passwordHash: string): string {
  return createHmac('sha256', passwordHash)
    .update(`pipewright-device:${email.trim().toLowerCase()}`)
    .digest('base64url');
}

/** The device token the request carries for `email`, if any. */
export function offeredDeviceToken(request: Request, email: string): string | undefined {
  const value = readCookie(request.headers.cookie ?? '', DEVICE_COOKIE);
  const [owner, token] = value?.split('.') ?? [];
  if (!owner || !token) return undefined;
  return Buffer.from(owner, 'base64url').toString() === email.trim().toLowerCase() ? token : undefined;
}

export function sameToken(offered: string, expected: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function setDeviceCookie(request: Request, response: Response, email: string, token: string): void {
  const owner = Buffer.from(email.trim().toLowerCase()).toString('base64url');
  response.cookie(DEVICE_COOKIE, `${owner}.${token}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.secure,
    path: '/api/auth',
    maxAge: DEVICE_DAYS * 86_400_000,
  });
}

function readCookie(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}
