import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
// The built server: Vitest's transform does not emit the decorator metadata NestJS needs.
import { startServer, type RunningServer } from '../../server/dist/application.js';
import { readSettings } from '../../server/dist/config/settings.js';

/**
 * Where a test's data lives: a fresh PIPEWRIGHT_HOME, and with DATABASE_URL
 * set a fresh database on that server (the embedded PostgreSQL otherwise).
 */
export interface TestEnvironment {
  home: string;
  /** The test database's URL, or undefined when the embedded server is used. */
  databaseUrl?: string;
  /** Environment for a CLI or worker process that should share this environment. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export async function createTestEnvironment(extraEnv: Record<string, string> = {}): Promise<TestEnvironment> {
  const home = await mkdtemp(join(tmpdir(), 'pipewright-test-'));
  // PostgreSQL runs as the postgres user when we are root: it must reach its data directory.
  await chmod(home, 0o755);
  const serverUrl = process.env.DATABASE_URL;
  let databaseUrl: string | undefined;
  let name: string | undefined;
  if (serverUrl) {
    name = `pw_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, PIPEWRIGHT_HOME: home };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return {
    home,
    databaseUrl,
    env,
    async dispose() {
      if (serverUrl && name) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Who a test calls as: the server's URL and a session token (none: anonymous). */
export interface Identity {
  url: string;
  token?: string;
}

export type TestRole = 'admin' | 'editor' | 'viewer';

export interface TestServer extends Identity {
  environment: TestEnvironment;
  server: RunningServer;
  /** The admin's session token: `api(server, …)` calls as the admin. */
  token: string;
  /** The admin the server was started with. */
  admin: { email: string; password: string };
  /** The PIPEWRIGHT_METRICS_TOKEN it was started with (`scrapeMetrics`). */
  metricsToken: string;
  /** A new user of that role, logged in (`api(await server.as('editor'), …)`); 'anonymous' has no token. */
  as(role: TestRole | 'anonymous'): Promise<Identity>;
  close(): Promise<void>;
}

/**
 * A whole Pipewright (API, Socket.IO and, unless `worker` is false, one
 * worker) on a free port; `env` adds settings (PIPEWRIGHT_WORKER_CONCURRENCY…).
 */
export async function startTestServer(
  options: { worker?: boolean; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const admin = { email: 'admin@pipewright.test', password: randomBytes(12).toString('base64url') };
  const metricsToken = randomBytes(12).toString('base64url');
  const environment = await createTestEnvironment({
    PIPEWRIGHT_ADMIN_EMAIL: admin.email,
    PIPEWRIGHT_ADMIN_PASSWORD: admin.password,
    PIPEWRIGHT_METRICS_TOKEN: metricsToken,
    ...options.env,
  });
  try {
    const settings = readSettings({ ...environment.env, PORT: '0' });
    const server = await startServer({
      settings,
      worker: options.worker ?? true,
      logger: ['error', 'warn'],
      log: () => undefined,
    });
    const token = await logIn(server, admin.email, admin.password);
    let users = 0;
    return {
      environment,
      server,
      url: server.url,
      token,
      admin,
      metricsToken,
      async as(role) {
        if (role === 'anonymous') return { url: server.url };
        if (role === 'admin') return { url: server.url, token };
        const user = { email: `${role}-${++users}@pipewright.test`, password: randomBytes(12).toString('base64url') };
        const created = await api({ url: server.url, token }, 'POST', '/users', { ...user, role });
        if (created.status !== 201) throw new Error(`could not create the ${role}: ${JSON.stringify(created.body)}`);
        return { url: server.url, token: await logIn(server, user.email, user.password) };
      },
      async close() {
        await server.close();
        await environment.dispose();
      },
    };
  } catch (error) {
    await environment.dispose();
    throw error;
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every route the running app answers, as `METHOD /path` (Express's router, which Nest mounts each route on). */
export function mountedRoutes(server: TestServer): string[] {
  const express = server.server.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const routes = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return [...routes].sort();
}

/** `GET /metrics` as a Prometheus scraper with the server's token: the text format. */
export async function scrapeMetrics(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${server.metricsToken}` },
  });
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${await response.text()}`);
  return response.text();
}

/** Logs in through the API and answers the bearer token. */
export async function logIn(server: { url: string }, email: string, password: string): Promise<string> {
  const response = await api<{ accessToken: string }>(server, 'POST', '/auth/login', { email, password });
  if (response.status !== 200) throw new Error(`login as ${email} failed: ${JSON.stringify(response.body)}`);
  return response.body.accessToken;
}

/** The `Authorization` header of an identity, for a request made without `api()` (an upload). */
export function authHeaders(identity: Identity): Record<string, string> {
  return identity.token ? { authorization: `Bearer ${identity.token}` } : {};
}

/**
 * Uploads a file as a dataset (multipart, as the studio does), answering
 * status and body; `datasetName` makes it a version of that dataset (the
 * file's name otherwise).
 */
export async function uploadDataset<T = unknown>(
  identity: Identity,
  name: string,
  content: Uint8Array | string,
  datasetName?: string,
): Promise<{ status: number; body: T }> {
  const form = new FormData();
  if (datasetName !== undefined) form.append('name', datasetName);
  form.append('file', new Blob([content]), name);
  const response = await fetch(`${identity.url}/api/datasets`, {
    method: 'POST',
    body: form,
    headers: authHeaders(identity),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** JSON over HTTP against a test server, answering status and body; the server's admin unless `identity` says otherwise. */
export async function api<T = unknown>(
  identity: Identity,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${identity.url}/api${path}`, {
    method,
    headers: {
      ...authHeaders(identity),
      ...(body === undefined ? {} : { 'content-type': contentType }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const pipewrightBin = fileURLToPath(new URL('../../bin/pipewright.mjs', import.meta.url));

/** Runs the `pipewright` command to its end, answering its exit code and what it printed. */
export function runPipewright(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [pipewrightBin, ...args], options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Polls until `check` answers something other than undefined. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
