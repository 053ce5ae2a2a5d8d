import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from './test-environment.js';

/** Whether a Socket.IO client sending `origin` with a valid session connects, or why not. */
function connectFrom(server: TestServer, origin: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = io(`${server.url}/runs`, {
      transports: ['websocket'],
      reconnection: false,
      auth: { token: server.token },
      ...(origin ? { extraHeaders: { origin } } : {}),
    });
    socket.on('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.on('connect_error', (error) => resolve(error.message));
  });
}

function login(server: TestServer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(server.admin),
  });
}

describe('web hardening (issue 14, finding 11)', () => {
  let server: TestServer;
  let proxied: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      worker: false,
      env: { PIPEWRIGHT_ALLOWED_ORIGINS: 'https://studio.example.com' },
    });
    proxied = await startTestServer({ worker: false, env: { PIPEWRIGHT_TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await Promise.all([server?.close(), proxied?.close()]);
  });

  it('sends a strict CSP, refuses framing and sniffing, and does not say what it runs on', async () => {
    for (const path of ['/', '/pipelines', '/api/health', '/api/pipelines']) {
      const response = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('refuses Socket.IO connections from pages of other origins, even with the session', async () => {
    expect(await connectFrom(server, 'https://evil.example')).toBe(
      'forbidden: pages of https://evil.example may not connect; add it to PIPEWRIGHT_ALLOWED_ORIGINS to allow it',
    );
    expect(await connectFrom(server, 'null')).toMatch(/^forbidden: pages of null may not connect/);
    // The studio's own pages: the origin the client reached the server through.
    expect(await connectFrom(server, server.url)).toBe('connected');
    expect(await connectFrom(server, 'https://studio.example.com')).toBe('connected');
    // A script sends no Origin: it still needs its token, and has it.
    expect(await connectFrom(server, undefined)).toBe('connected');
  });

  it('makes the session cookie Secure behind a trusted TLS proxy, and only then', async () => {
    const secureCookies = (response: Response) =>
      response.headers.getSetCookie().filter((cookie) => /;\s*Secure/i.test(cookie)).length;
    const forwarded = { 'x-forwarded-proto': 'https' };
    expect(secureCookies(await login(proxied, forwarded))).toBe(3);
    expect(secureCookies(await login(proxied))).toBe(0);
    // Without PIPEWRIGHT_TRUST_PROXY the header is anyone's to forge, and is ignored.
    expect(secureCookies(await login(server, forwarded))).toBe(0);
  });

  it('counts failed logins by the client address the trusted proxy names', async () => {
    const wrong = { 'content-type': 'application/json' };
    const fail = (address: string, email: string) =>
      fetch(`${proxied.url}/api/auth/login`, {
        method: 'POST',
        headers: { ...wrong, 'x-forwarded-for': address },
        body: JSON.stringify({ email, password: 'not the password at all' }),
      });
    for (let attempt = 0; attempt < 30; attempt++) await fail('203.0.113.7', `nobody-${attempt}@pipewright.test`);
    expect((await fail('203.0.113.7', 'one-more@pipewright.test')).status).toBe(429);
    // Someone else behind the same proxy is another address.
    const other = await fetch(`${proxied.url}/api/auth/login`, {
      method: 'POST',
      headers: { ...wrong, 'x-forwarded-for': '198.51.100.20' },
      body: JSON.stringify(proxied.admin),
    });
    expect(other.status).toBe(200);
    expect((await api(proxied, 'GET', '/auth/me')).status).toBe(200);
  });
});
