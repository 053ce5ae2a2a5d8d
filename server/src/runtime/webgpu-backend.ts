import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The GPU a worker computes on, as it reports it. */
export interface GpuDevice {
  /** What to show: the device's name (e.g. "NVIDIA H200"). */
  name: string;
  vendor?: string;
  /** The driver, where the adapter or nvidia-smi says it. */
  driver?: string;
  /** The GPU's own memory, where nvidia-smi says it. */
  memoryBytes?: number;
  /** `webgpu`: the adapter's architecture and description as Dawn gives them. */
  architecture?: string;
  description?: string;
}

/** What Dawn's `create` answers: navigator.gpu for Node. */
interface NodeGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<{
    info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  } | null>;
}

/**
 * Dawn (the `webgpu` package) reaches the GPU through the system's Vulkan
 * loader; without it Dawn finds no adapter (and says so on stderr), so it is
 * looked for first and its absence is the reason given.
 */
export function vulkanLoaderPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib/x86_64-linux-gnu',
  ];
  for (const dir of dirs) {
    const path = join(dir, 'libvulkan.so.1');
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Makes WebGPU reachable as a browser would have it: Dawn's globals
 * (GPUBufferUsage…) and `navigator.gpu`. Node 24's global `navigator` is a
 * read-only getter, so `gpu` is defined on it with Object.defineProperty.
 * Throws, saying why, when there is no adapter.
 */
export async function loadWebGpu(): Promise<{ gpu: GpuDevice }> {
  if (process.platform === 'linux' && !vulkanLoaderPath()) {
    throw new Error('no Vulkan loader (libvulkan.so.1; Debian: apt-get install libvulkan1, plus the GPU driver’s ICD)');
  }
  const { create, globals } = (await import('webgpu')) as unknown as {
    create(flags: string[]): NodeGpu;
    globals: Record<string, unknown>;
  };
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'Dawn found no WebGPU adapter (no Vulkan driver for a GPU: check VK_DRIVER_FILES / VK_ICD_FILENAMES point at its ICD)',
    );
  }
  Object.assign(globalThis, globals);
  if (typeof globalThis.navigator === 'object' && globalThis.navigator !== null) {
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  const info = adapter.info ?? {};
  const smi = info.vendor?.toLowerCase().includes('nvidia') || !info.vendor ? await nvidiaGpu() : undefined;
  return {
    gpu: {
      name: smi?.name ?? (info.device || info.description || info.vendor || 'WebGPU adapter'),
      vendor: info.vendor || smi?.vendor,
      driver: smi?.driver ?? driverIn(info.description),
      memoryBytes: smi?.memoryBytes,
      architecture: info.architecture || undefined,
      description: info.description || undefined,
    },
  };
}

/** The GPU libtensorflow computes on (node-gpu): nvidia-smi's account, or just that it is CUDA. */
export async function describeGpu(): Promise<GpuDevice> {
  return (await nvidiaGpu()) ?? { name: 'CUDA GPU', vendor: 'nvidia' };
}

/** The first NVIDIA GPU as nvidia-smi reports it; undefined when there is none to ask. */
export async function nvidiaGpu(): Promise<GpuDevice | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      'nvidia-smi',
      ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'],
      { timeout: 5000 },
    );
    const [name, driver, memoryMiB] = (stdout.split('\n')[0] ?? '').split(',').map((part) => part.trim());
    if (!name) return undefined;
    const mib = Number(memoryMiB);
    return {
      name,
      vendor: 'nvidia',
      driver: driver || undefined,
      memoryBytes: Number.isFinite(mib) && mib > 0 ? mib * 1024 * 1024 : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Dawn's Vulkan adapters describe themselves as "<vendor driver>: <version>". */
function driverIn(description: string | undefined): string | undefined {
  const match = /:\s*([0-9][\w.-]*)/.exec(description ?? '');
  return match?.[1];
}
