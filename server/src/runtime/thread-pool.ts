import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadPool } from '@pipewright/nodes';
import { QueryCancelledError } from './duckdb-errors.js';

/**
 * The worker threads' script: imports the kernel's module, then answers
 * each task with fn(shared, task). Plain CommonJS given as text, so it runs
 * from the compiled server and from the sources the unit tests run alike.
 */
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module).then((module) => {
  const fn = module[workerData.name];
  parentPort.on('message', (message) => {
    try {
      parentPort.postMessage({ index: message.index, result: fn(workerData.shared, message.task) });
    } catch (error) {
      parentPort.postMessage({ index: message.index, error: String(error && error.stack || error) });
    }
  });
  parentPort.postMessage({ ready: true });
}, (error) => parentPort.postMessage({ index: -1, error: String(error && error.stack || error) }));
`;

/** Threads a pool runs: PIPEWRIGHT_THREADS, or every core the process may use. */
export function threadCount(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.PIPEWRIGHT_THREADS);
  return Number.isInteger(asked) && asked >= 1 ? asked : availableParallelism();
}

/**
 * The module a thread loads for a kernel. Unit tests run the catalog from
 * its TypeScript sources, which a thread cannot import (their imports name
 * the compiled .js files): there the thread loads the compiled twin in
 * nodes/dist. Undefined when no runnable module exists (not built).
 */
export function runnableModule(url: string): string | undefined {
  if (!url.endsWith('.ts')) return url;
  const path = fileURLToPath(url);
  const compiled = path.replace(/([/\\])nodes([/\\])(?!dist[/\\])/, '$1nodes$2dist$2').replace(/\.ts$/, '.js');
  return compiled !== path && existsSync(compiled) ? pathToFileURL(compiled).href : undefined;
}

/**
 * A ThreadPool whose threads start for each map() and end with it (a fit
 * is long next to starting a thread, and nothing idles between jobs).
 * Returns undefined, so callers run in their own thread, when there is
 * only one thread to use.
 */
export function workerThreadPool(signal: AbortSignal, size = threadCount()): ThreadPool | undefined {
  if (size < 2) return undefined;
  return {
    size,
    async map<S, T, R>(
      kernel: { module: string; name: string },
      shared: S,
      tasks: T[],
      onResult?: (done: number) => Promise<void> | void,
    ): Promise<R[]> {
      const module = runnableModule(kernel.module);
      if (!module) throw new Error(`thread kernel ${kernel.module} is not built (npm run build)`);
      if (signal.aborted) throw new QueryCancelledError();
      const results = new Array<R>(tasks.length);
      const threads: Worker[] = [];
      let next = 0;
      let done = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          const cancel = () => reject(new QueryCancelledError());
          signal.addEventListener('abort', cancel, { once: true });
          const finish = (error?: unknown) => {
            signal.removeEventListener('abort', cancel);
            if (error) reject(error instanceof Error ? error : new Error(String(error)));
            else resolve();
          };
          const give = (thread: Worker) => {
            if (next < tasks.length) {
              thread.postMessage({ index: next, task: tasks[next] });
              next++;
            }
          };
          if (tasks.length === 0) return finish();
          for (let t = 0; t < Math.min(size, tasks.length); t++) {
            const thread = new Worker(THREAD_SCRIPT, {
              eval: true,
              workerData: { module, name: kernel.name, shared },
            });
            threads.push(thread);
            thread.on('error', finish);
            thread.on('message', (message: { ready?: true; index: number; result?: R; error?: string }) => {
              if (message.ready) return give(thread);
              if (message.error !== undefined)
                return finish(new Error(`thread kernel ${kernel.name}: ${message.error}`));
              results[message.index] = message.result as R;
              done++;
              give(thread);
              Promise.resolve(onResult?.(done)).then(() => (done === tasks.length ? finish() : undefined), finish);
            });
          }
        });
      } finally {
        await Promise.all(threads.map((thread) => thread.terminate()));
      }
      return results;
    },
  };
}
