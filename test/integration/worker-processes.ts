import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A `pipewright worker` process sharing the server's database and artifact store, once it takes jobs. */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const worker = spawn(process.execPath, [join(root, 'bin', 'pipewright.mjs'), 'worker'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('is taking jobs')) resolve();
    };
    worker.stdout?.on('data', onData);
    worker.stderr?.on('data', onData);
    worker.on('exit', (code) => reject(new Error(`a worker exited (${code}) before taking jobs:\n${output}`)));
  });
  return worker;
}

/** Stops the worker processes still running and waits for them to exit. */
export async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const running = workers.filter((worker) => worker.exitCode === null && worker.signalCode === null);
  const exits = running.map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
  for (const worker of running) worker.kill('SIGTERM');
  await Promise.all(exits);
}
