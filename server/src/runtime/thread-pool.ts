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

/**
 * The script of a thread that runs with TensorFlow.js: loads it on the
 * backend named in workerData (as the worker loaded its own), then the
 * kernel's module, and answers fn(tf, shared, thread) once, awaited.
 */
const TENSORFLOW_THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.all([import(workerData.tensorflow), import(workerData.module)])
  .then(async ([backend, module]) => {
    const tf = await backend.loadThreadTensorFlow(workerData.backend);
    return module[workerData.name](tf, workerData.shared, workerData.thread);
  })
  .then(
    (result) => parentPort.postMessage({ result }),
    (error) => parentPort.postMessage({ error: String((error && error.stack) || error) }),
  );
`;

/** TensorFlow.js backends whose kernels run in the calling thread, so more threads compute more. */
const IN_THREAD_BACKENDS = new Set(['wasm']);

/**
 * Whether PIPEWRIGHT_THREADS asks for threads (two or more) rather than
 * leaving the count to the cores. Threads that wait for each other every
 * step (withTensorFlow's data-parallel training) run only then: on cores
 * shared with other work, one thread trained faster than two in a same-run
 * A/B (docs/performance.md, Training).
 */
export function threadsAsked(env: NodeJS.ProcessEnv = process.env): boolean {
  const asked = Number(env.PIPEWRIGHT_THREADS);
  return Number.isInteger(asked) && asked >= 2;
}

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
  if (!url.startsWith('file:')) return url;
  const path = fileURLToPath(url);
  // A .js URL made beside a source file (new URL('./kernel.js', import.meta.url) in a test) names its twin too.
  if (!url.endsWith('.ts') && existsSync(path)) return url;
  const compiled = path
    .replace(/([/\\])nodes([/\\])(?!dist[/\\])/, '$1nodes$2dist$2')
    .replace(/([/\\])server([/\\])src([/\\])/, '$1server$2dist$3')
    .replace(/\.ts$/, '.js');
  if (compiled === path) return url.endsWith('.ts') ? undefined : url;
  return existsSync(compiled) ? pathToFileURL(compiled).href : undefined;
}

/**
 * A ThreadPool whose threads start for each map() and end with it (a fit
 * is long next to starting a thread, and nothing idles between jobs).
 * Returns undefined, so callers run in their own thread, when there is
 * only one thread to use. `tensorFlowBackend`: the backend the worker's
 * TensorFlow.js runs on; where it computes in the calling thread (wasm) and
 * PIPEWRIGHT_THREADS asks for threads (threadsAsked), the pool offers
 * withTensorFlow.
 */
export function workerThreadPool(
  signal: AbortSignal,
  size = threadCount(),
  tensorFlowBackend?: string,
): ThreadPool | undefined {
  if (size < 2) return undefined;
  return {
    size,
    ...(tensorFlowBackend && IN_THREAD_BACKENDS.has(tensorFlowBackend) && threadsAsked()
      ? { withTensorFlow: (kernel, shared) => withTensorFlow(kernel, shared, size, tensorFlowBackend, signal) }
      : {}),
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

/**
 * Runs kernel(tf, shared, thread) on `size` threads at once, each with
 * TensorFlow.js on `backend`. The first thread to fail (or the signal)
 * ends them all: cooperating threads may be waiting on each other.
 */
async function withTensorFlow<S, R>(
  kernel: { module: string; name: string },
  shared: S,
  size: number,
  backend: string,
  signal: AbortSignal,
): Promise<R[]> {
  const module = runnableModule(kernel.module);
  // The backend loader beside this file: its compiled twin where this runs from the sources (tests).
  const tensorflow = runnableModule(import.meta.url.replace(/thread-pool\.(ts|js)$/, 'tensorflow-backend.$1'));
  if (!module || !tensorflow) throw new Error(`thread kernel ${kernel.module} is not built (npm run build)`);
  if (signal.aborted) throw new QueryCancelledError();
  const threads: Worker[] = [];
  const results = new Array<R>(size);
  try {
    await new Promise<void>((resolve, reject) => {
      const cancel = () => reject(new QueryCancelledError());
      signal.addEventListener('abort', cancel, { once: true });
      let done = 0;
      const finish = (error?: unknown) => {
        signal.removeEventListener('abort', cancel);
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      };
      for (let thread = 0; thread < size; thread++) {
        const worker = new Worker(TENSORFLOW_THREAD_SCRIPT, {
          eval: true,
          workerData: { module, name: kernel.name, shared, thread, tensorflow, backend },
        });
        threads.push(worker);
        worker.on('error', finish);
        worker.on('exit', (code) => {
          if (code !== 0) finish(new Error(`thread kernel ${kernel.name}: thread ${thread} exited with ${code}`));
        });
        worker.on('message', (message: { result?: R; error?: string }) => {
          if (message.error !== undefined) return finish(new Error(`thread kernel ${kernel.name}: ${message.error}`));
          results[thread] = message.result as R;
          if (++done === size) finish();
        });
      }
    });
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
  return results;
}
