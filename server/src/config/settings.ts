import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { passwordProblem } from '../auth/password-policy.js';
import { parseS3Location, readS3Connection, type S3Artifacts } from '../runtime/s3-location.js';

/** Everything a server, worker or CLI process is configured with, read once from the environment. */
export interface Settings {
  /** `PIPEWRIGHT_HOME`, default `./.pipewright`: embedded database, artifacts, datasets, scratch space. */
  home: string;
  /** `PORT`, default 7400. */
  port: number;
  /** `DATABASE_URL`; absent means the embedded PostgreSQL in `<home>/pg`. */
  databaseUrl?: string;
  /** Directories a source node may read: `<home>/datasets`, the repo's `examples/`, `PIPEWRIGHT_DATA_DIRS`. */
  dataDirs: string[];
  /** `PIPEWRIGHT_ARTIFACTS` when a directory, default `<home>/artifacts`. */
  artifactsDir: string;
  /**
   * `PIPEWRIGHT_ARTIFACTS=s3://bucket/prefix`: artifacts live in that
   * S3-compatible bucket (endpoint and credentials from the AWS variables)
   * and `artifactsDir` only caches files fetched for previews.
   */
  artifactsS3?: S3Artifacts;
  /** Scratch space for jobs: `<home>/work`. */
  workDir: string;
  /** The built studio, served at `/`. */
  studioDir: string;
  /**
   * `PIPEWRIGHT_WORKER_CONCURRENCY`, default 2: jobs one worker runs at once
   * (per queue), so one long query does not hold up every other run.
   */
  workerConcurrency: number;
  /**
   * `PIPEWRIGHT_FUSE_DATA_NODES`, default true: consecutive data nodes of a run run as one unit on one worker,
   * tables kept in its DuckDB between them (FusedUnit); `false` runs each as a job of its own (for comparison).
   */
  fuseDataNodes: boolean;
  /**
   * `PIPEWRIGHT_JOB_HEARTBEAT_SECONDS`, default 30: a worker that has not
   * reported on its job for this long is taken for dead, and the job is given
   * to another worker.
   */
  jobHeartbeatSeconds: number;
  /**
   * `PIPEWRIGHT_SCHEDULE_CHECK_SECONDS`, default 30 (1–45): how often cron
   * schedules are checked for a due occurrence. Tests set it to 1.
   */
  scheduleCheckSeconds: number;
  /** `PIPEWRIGHT_TF_BACKEND`: force a TensorFlow.js backend. */
  tfBackend?: string;
  /** `PIPEWRIGHT_ADMIN_EMAIL` / `PIPEWRIGHT_ADMIN_PASSWORD`: the first admin (otherwise one with a printed one-time password). */
  admin?: { email?: string; password?: string };
  /**
   * Named database connections for source.postgres (name → postgres:// URL):
   * `PIPEWRIGHT_CONNECTIONS` (a JSON object) and `PIPEWRIGHT_CONNECTION_<NAME>`
   * (lower-cased name). Pipelines name a connection; the URL stays here.
   */
  connections: Record<string, string>;
  /**
   * `PIPEWRIGHT_TRUST_PROXY`: Express's `trust proxy` — `true`, a number of
   * hops, or addresses and subnets (`loopback`, `10.0.0.0/8`, comma-separated).
   * Set it behind a TLS-terminating proxy: the session cookie is then `Secure`
   * on requests it forwards with `X-Forwarded-Proto: https`, and the login
   * throttle counts the client's address from `X-Forwarded-For`. Unset, those
   * headers are ignored (a client could forge them).
   */
  trustProxy?: boolean | number | string[];
  /**
   * `PIPEWRIGHT_ALLOWED_ORIGINS`: other origins (`https://studio.example.com`,
   * comma-separated) whose pages may open Socket.IO connections with a
   * session; the server's own origin always may.
   */
  allowedOrigins: string[];
  /**
   * `PIPEWRIGHT_POSTGRES_ROW_LIMIT`, default 1,000,000: the most rows a
   * source.postgres query may give; more fails the node with the reason.
   */
  postgresRowLimit: number;
  /**
   * How long one SQL statement of a job may run (DuckDB, and a
   * source.postgres query), in seconds, by what started the run:
   * `PIPEWRIGHT_SQL_TIMEOUT_S`, default 120, for runs a person started from
   * the studio or the API and is waiting on; `PIPEWRIGHT_BATCH_SQL_TIMEOUT_S`,
   * default 600, for schedules, new dataset versions and the CLI.
   */
  sqlTimeoutSeconds: { interactive: number; batch: number };
  /**
   * `PIPEWRIGHT_RUN_CHECK_SECONDS`, default 30 (1–600): how often a server
   * looks for unfinished runs whose jobs failed for good or no longer exist,
   * and fails them with the reason.
   */
  runCheckSeconds: number;
  /**
   * `PIPEWRIGHT_METRICS_TOKEN`: `GET /metrics` answers only to
   * `Authorization: Bearer <token>`; unset, `/metrics` is off.
   */
  metricsToken?: string;
}

/** The repository (or installed package) root: three levels above `server/dist/config/`. */
export const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function readSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const home = resolve(cwd, env.PIPEWRIGHT_HOME || '.pipewright');
  const extraDirs = (env.PIPEWRIGHT_DATA_DIRS ?? '')
    .split(':')
    .map((dir) => dir.trim())
    .filter(Boolean)
    .map((dir) => resolve(cwd, dir));
  const artifacts = env.PIPEWRIGHT_ARTIFACTS?.trim();
  const artifactsS3 = artifacts ? readArtifactsUrl(artifacts, env) : undefined;
  return {
    home,
    port: readPort(env.PORT),
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    dataDirs: unique([join(home, 'datasets'), join(packageRoot, 'examples'), ...extraDirs]),
    artifactsDir:
      artifacts && !artifactsS3 ? resolve(cwd, artifacts.replace(/^file:\/\//, '')) : join(home, 'artifacts'),
    artifactsS3,
    workDir: join(home, 'work'),
    studioDir: join(packageRoot, 'studio', 'dist'),
    workerConcurrency: readConcurrency(env.PIPEWRIGHT_WORKER_CONCURRENCY),
    fuseDataNodes: readSwitch('PIPEWRIGHT_FUSE_DATA_NODES', env.PIPEWRIGHT_FUSE_DATA_NODES, true),
    jobHeartbeatSeconds: readWholeNumber(
      'PIPEWRIGHT_JOB_HEARTBEAT_SECONDS',
      env.PIPEWRIGHT_JOB_HEARTBEAT_SECONDS,
      30,
      10,
      3600,
    ),
    scheduleCheckSeconds: readWholeNumber(
      'PIPEWRIGHT_SCHEDULE_CHECK_SECONDS',
      env.PIPEWRIGHT_SCHEDULE_CHECK_SECONDS,
      30,
      1,
      45,
    ),
    tfBackend: env.PIPEWRIGHT_TF_BACKEND?.trim() || undefined,
    admin: readAdmin(env),
    connections: readConnections(env),
    trustProxy: readTrustProxy(env.PIPEWRIGHT_TRUST_PROXY),
    allowedOrigins: readOrigins(env.PIPEWRIGHT_ALLOWED_ORIGINS),
    postgresRowLimit: readWholeNumber(
      'PIPEWRIGHT_POSTGRES_ROW_LIMIT',
      env.PIPEWRIGHT_POSTGRES_ROW_LIMIT,
      1_000_000,
      1,
      100_000_000,
    ),
    runCheckSeconds: readWholeNumber('PIPEWRIGHT_RUN_CHECK_SECONDS', env.PIPEWRIGHT_RUN_CHECK_SECONDS, 30, 1, 600),
    sqlTimeoutSeconds: {
      interactive: readWholeNumber('PIPEWRIGHT_SQL_TIMEOUT_S', env.PIPEWRIGHT_SQL_TIMEOUT_S, 120, 1, 24 * 3600),
      batch: readWholeNumber('PIPEWRIGHT_BATCH_SQL_TIMEOUT_S', env.PIPEWRIGHT_BATCH_SQL_TIMEOUT_S, 600, 1, 24 * 3600),
    },
    metricsToken: env.PIPEWRIGHT_METRICS_TOKEN?.trim() || undefined,
  };
}

function readArtifactsUrl(value: string, env: NodeJS.ProcessEnv): S3Artifacts | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('file://')) return undefined;
  if (!value.startsWith('s3://')) {
    throw new SettingsError(`PIPEWRIGHT_ARTIFACTS must be a directory or s3://bucket/prefix; got "${value}"`);
  }
  try {
    return { ...parseS3Location(value), ...readS3Connection(env) };
  } catch (error) {
    throw new SettingsError(`PIPEWRIGHT_ARTIFACTS: ${(error as Error).message}`);
  }
}

function readConnections(env: NodeJS.ProcessEnv): Record<string, string> {
  const connections: Record<string, string> = {};
  const json = env.PIPEWRIGHT_CONNECTIONS?.trim();
  if (json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new SettingsError('PIPEWRIGHT_CONNECTIONS must be a JSON object of name → postgres:// URL');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SettingsError('PIPEWRIGHT_CONNECTIONS must be a JSON object of name → postgres:// URL');
    }
    for (const [name, url] of Object.entries(parsed)) connections[name.toLowerCase()] = checkConnectionUrl(name, url);
  }
  for (const [variable, url] of Object.entries(env)) {
    const match = /^PIPEWRIGHT_CONNECTION_(\w+)$/.exec(variable);
    if (match && url?.trim()) connections[match[1].toLowerCase()] = checkConnectionUrl(match[1], url.trim());
  }
  return connections;
}

function checkConnectionUrl(name: string, url: unknown): string {
  // The message names the connection but never repeats the URL: it may hold a password.
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//.test(url)) {
    throw new SettingsError(`connection "${name}" must be a postgres:// URL`);
  }
  return url;
}

function readAdmin(env: NodeJS.ProcessEnv): Settings['admin'] {
  const email = env.PIPEWRIGHT_ADMIN_EMAIL?.trim() || undefined;
  const password = env.PIPEWRIGHT_ADMIN_PASSWORD || undefined;
  const problem = password === undefined ? undefined : passwordProblem(password, email ?? 'admin@localhost');
  if (problem) throw new SettingsError(`PIPEWRIGHT_ADMIN_PASSWORD: ${problem}`);
  return email || password ? { email, password } : undefined;
}

function readSwitch(name: string, value: string | undefined, fallback: boolean): boolean {
  const text = value?.trim().toLowerCase();
  if (!text) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new SettingsError(`${name} must be true or false; got "${value}"`);
}

function readTrustProxy(value: string | undefined): Settings['trustProxy'] {
  const text = value?.trim();
  if (!text || text === 'false') return undefined;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const named = new Set(['loopback', 'linklocal', 'uniquelocal']);
  for (const entry of entries) {
    if (!named.has(entry) && !/^[\d.:a-f]+(\/\d{1,3})?$/i.test(entry)) {
      throw new SettingsError(
        `PIPEWRIGHT_TRUST_PROXY must be true, a number of hops, or addresses/subnets (loopback, 10.0.0.0/8, …); got "${entry}"`,
      );
    }
  }
  return entries;
}

function readOrigins(value: string | undefined): string[] {
  const origins: string[] = [];
  for (const entry of (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    let origin: string;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = 'null';
    }
    if (origin === 'null' || origin !== entry.replace(/\/$/, '')) {
      throw new SettingsError(
        `PIPEWRIGHT_ALLOWED_ORIGINS holds origins like https://studio.example.com; got "${entry}"`,
      );
    }
    origins.push(origin);
  }
  return origins;
}

function readPort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 7400;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SettingsError(`PORT must be a port number; got "${value}"`);
  return port;
}

function readConcurrency(value: string | undefined): number {
  return readWholeNumber('PIPEWRIGHT_WORKER_CONCURRENCY', value, 2, 1, Math.max(1, availableParallelism() * 4));
}

function readWholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  least: number,
  most: number,
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < least || number > most) {
    throw new SettingsError(`${name} must be a whole number from ${least} to ${most}; got "${value}"`);
  }
  return number;
}

function unique(dirs: string[]): string[] {
  return [...new Set(dirs.map((dir) => (isAbsolute(dir) ? dir : resolve(dir))))];
}
