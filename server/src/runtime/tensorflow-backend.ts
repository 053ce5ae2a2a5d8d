import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { TensorFlowApi } from '@pipewright/nodes';

/**
 * The TensorFlow.js backends a worker can run on, best first. Names accepted
 * by PIPEWRIGHT_TF_BACKEND:
 * - `node-gpu`: @tensorflow/tfjs-node-gpu (libtensorflow with CUDA)
 * - `node`: @tensorflow/tfjs-node (libtensorflow on the CPU)
 * - `wasm`: @tensorflow/tfjs-backend-wasm (portable, SIMD)
 * - `cpu`: the plain JavaScript backend of @tensorflow/tfjs
 */
export const TF_BACKENDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type TfBackendName = (typeof TF_BACKENDS)[number];

export interface LoadedTensorFlow {
  tf: TensorFlowApi;
  /** Which of TF_BACKENDS loaded. */
  backend: TfBackendName;
}

type TfModule = typeof import('@tensorflow/tfjs');

const require = createRequire(import.meta.url);

async function loadNative(packageName: string): Promise<TfModule> {
  // The native packages are optional dependencies whose install may have
  // failed (no libtensorflow download): a failed import means "not here".
  const tf = (await import(packageName)) as TfModule;
  await tf.ready();
  if (tf.getBackend() !== 'tensorflow') throw new Error(`${packageName} loaded but its backend did not start`);
  return tf;
}

async function loadWasm(): Promise<TfModule> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the wasm binaries are read from disk, next to the package's entry file.
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  return tf;
}

async function loadCpu(): Promise<TfModule> {
  const tf = await import('@tensorflow/tfjs');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return tf;
}

const loaders: Record<TfBackendName, () => Promise<TfModule>> = {
  'node-gpu': () => loadNative('@tensorflow/tfjs-node-gpu'),
  node: () => loadNative('@tensorflow/tfjs-node'),
  wasm: loadWasm,
  cpu: loadCpu,
};

export function parseBackendName(value: string): TfBackendName {
  const name = value.trim().toLowerCase();
  // "tensorflow" is what tfjs-node calls its backend; accept it for `node`.
  if (name === 'tensorflow') return 'node';
  if ((TF_BACKENDS as readonly string[]).includes(name)) return name as TfBackendName;
  throw new Error(`PIPEWRIGHT_TF_BACKEND must be one of ${TF_BACKENDS.join(', ')}; got "${value}"`);
}

let loading: Promise<LoadedTensorFlow> | undefined;

/**
 * Loads TensorFlow.js once per process on the best backend that starts
 * (PIPEWRIGHT_TF_BACKEND forces one, and then failing to load it is an error).
 */
export function loadTensorFlow(
  options: { backend?: string; log?: (message: string) => void } = {},
): Promise<LoadedTensorFlow> {
  loading ??= pickBackend(options.backend ?? process.env.PIPEWRIGHT_TF_BACKEND, options.log ?? console.log);
  return loading;
}

async function pickBackend(forced: string | undefined, log: (message: string) => void): Promise<LoadedTensorFlow> {
  if (forced) {
    const backend = parseBackendName(forced);
    try {
      const tf = await loaders[backend]();
      log(`TensorFlow.js backend: ${backend} (forced by PIPEWRIGHT_TF_BACKEND)`);
      return { tf: asTensorFlowApi(tf), backend };
    } catch (error) {
      throw new Error(`PIPEWRIGHT_TF_BACKEND=${forced}: ${firstLine(error)}`);
    }
  }
  const skipped: string[] = [];
  for (const backend of TF_BACKENDS) {
    try {
      const tf = await loaders[backend]();
      log(`TensorFlow.js backend: ${backend}${skipped.length ? ` (not available: ${skipped.join('; ')})` : ''}`);
      return { tf: asTensorFlowApi(tf), backend };
    } catch (error) {
      skipped.push(`${backend}: ${firstLine(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded: ${skipped.join('; ')}`);
}

/**
 * TensorFlowApi is a structural slice of this module, but TypeScript cannot
 * relate tfjs's generic Tensor<Rank> signatures to it; the cast is the one
 * place the two meet.
 */
function asTensorFlowApi(tf: TfModule): TensorFlowApi {
  return tf as unknown as TensorFlowApi;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim();
}
