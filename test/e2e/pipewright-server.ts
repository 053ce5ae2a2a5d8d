import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../server/dist/free-port.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningServer {
  url: string;
  /** Its PIPEWRIGHT_HOME (embedded database in pg/), for a worker process that should join it. */
  home: string;
  /** The admin the server was started with (PIPEWRIGHT_ADMIN_EMAIL / _PASSWORD). */
  admin: { email: string; password: string };
  /** What the server printed, for a failing test to show. */
  output(): string;
  stop(): Promise<void>;
  /** Stops the server (SIGTERM, as a deploy does) and starts it again on the same port and home. */
  restart(): Promise<void>;
}

/** Builds what the browser tests drive (incremental: quick when nothing changed). */
export function buildPipewright(): void {
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  if (!existsSync(join(repoRoot, 'studio', 'dist', 'index.html')))
    throw new Error('the build left no studio/dist/index.html');
}

/** Starts the real server (`node server/dist/main.js`) with a fresh home and port, and waits until it is healthy. */
export async function startPipewrightServer(
  timeoutMs = 180_000,
  /** Settings for this server (PIPEWRIGHT_JOB_HEARTBEAT_SECONDS…). */
  extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  const home = mkdtempSync(join(tmpdir(), 'pipewright-e2e-'));
  // mkdtemp makes the folder private to root; the embedded PostgreSQL runs as its own user and must reach pg/ inside.
  chmodSync(home, 0o755);
  const port = await freePort();
  const admin = { email: 'admin@pipewright.test', password: `e2e-${port}-${Date.now().toString(36)}` };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PIPEWRIGHT_ADMIN_EMAIL: admin.email,
    PIPEWRIGHT_ADMIN_PASSWORD: admin.password,
    ...extraEnv,
    PIPEWRIGHT_HOME: home,
    PORT: String(port),
  };
  delete env.DATABASE_URL;
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };

  let child: ChildProcess;
  let exited: Promise<number | null>;
  const launch = () => {
    child = spawn(process.execPath, [join(repoRoot, 'server', 'dist', 'main.js')], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const started = child;
    exited = new Promise<number | null>((resolveExit) => started.once('exit', (code) => resolveExit(code)));
  };

  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(forced);
    }
  };
  const stop = async () => {
    await halt();
    rmSync(home, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const waitHealthy = async () => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        await stop();
        throw new Error(`the server exited with code ${child.exitCode} before it was healthy:\n${output}`);
      }
      try {
        const response = await fetch(`${url}/api/health`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((wait) => setTimeout(wait, 250));
    }
    await stop();
    throw new Error(`the server was not healthy within ${timeoutMs / 1000} s:\n${output}`);
  };

  launch();
  await waitHealthy();
  return {
    url,
    home,
    admin,
    output: () => output,
    stop,
    async restart() {
      await halt();
      launch();
      await waitHealthy();
    },
  };
}
