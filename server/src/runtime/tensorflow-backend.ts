import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { TensorFlowApi } from '@pipewright/nodes';
import { describeGpu, loadWebGpu, type GpuDevice } from './webgpu-backend.js';

/**
 * The TensorFlow.js backends a worker can run on, best first. Names accepted
 * by PIPEWRIGHT_TF_BACKEND:
 * - `node-gpu`: @tensorflow/tfjs-node-gpu (libtensorflow with CUDA)
 * - `webgpu`: @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` package) through Vulkan
 * - `node`: @tensorflow/tfjs-node (libtensorflow on the CPU)
 * - `wasm`: @tensorflow/tfjs-backend-wasm (portable, SIMD)
 * - `cpu`: the plain JavaScript backend of @tensorflow/tfjs
 */
export const TF_BACKENDS = ['node-gpu', 'webgpu', 'node', 'wasm', 'cpu'] as const;
export type TfBackendName = (typeof TF_BACKENDS)[number];

/** The backends that compute on a GPU: a worker on one of them takes the `gpu` queue. */
export const GPU_BACKENDS: readonly TfBackendName[] = ['node-gpu', 'webgpu'];

export interface LoadedTensorFlow {
  tf: TensorFlowApi;
  /** Which of TF_BACKENDS loaded. */
  backend: TfBackendName;
  /** The GPU it computes on (GPU backends only). */
  gpu?: GpuDevice;
  /** Why each better backend was passed over, best first. */
  skipped: string[];
}

type TfModule = typeof import('@tensorflow/tfjs');
interface Loaded {
  tf: TfModule;
  gpu?: GpuDevice;
}

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

/**
 * TensorFlow.js's core and wasm backend alone, for a worker thread that
 * computes with tensors (ThreadPool.withTensorFlow): without the layers,
 * converter and data packages of the full module, a thread starts in about
 * a third of the time.
 */
export async function loadThreadTensorFlow(backend: string): Promise<TensorFlowApi> {
  if (backend !== 'wasm') throw new Error(`threads compute with TensorFlow.js on wasm only, not ${backend}`);
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
  return tf as unknown as TensorFlowApi;
}

async function loadCpu(): Promise<TfModule> {
  const tf = await import('@tensorflow/tfjs');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return tf;
}

const loaders: Record<TfBackendName, () => Promise<Loaded>> = {
  'node-gpu': async () => {
    const tf = await loadNative('@tensorflow/tfjs-node-gpu');
    return { tf, gpu: await describeGpu() };
  },
  webgpu: async () => {
    const { gpu } = await loadWebGpu();
    const tf = await import('@tensorflow/tfjs');
    // Registers the `webgpu` backend, which finds navigator.gpu (defined by loadWebGpu).
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not initialise');
    return { tf, gpu };
  },
  node: async () => ({ tf: await loadNative('@tensorflow/tfjs-node') }),
  wasm: async () => ({ tf: await loadWasm() }),
  cpu: async () => ({ tf: await loadCpu() }),
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
      const { tf, gpu } = await loaders[backend]();
      log(`TensorFlow.js backend: ${backend}${gpu ? ` on ${gpu.name}` : ''} (forced by PIPEWRIGHT_TF_BACKEND)`);
      return { tf: asTensorFlowApi(tf), backend, gpu, skipped: [] };
    } catch (error) {
      throw new Error(`PIPEWRIGHT_TF_BACKEND=${forced}: ${firstLine(error)}`);
    }
  }
  const skipped: string[] = [];
  for (const backend of TF_BACKENDS) {
    try {
      const { tf, gpu } = await loaders[backend]();
      log(
        `TensorFlow.js backend: ${backend}${gpu ? ` on ${gpu.name}` : ''}${skipped.length ? ` (not available: ${skipped.join('; ')})` : ''}`,
      );
      return { tf: asTensorFlowApi(tf), backend, gpu, skipped };
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
