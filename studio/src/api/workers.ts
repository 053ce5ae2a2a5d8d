import { requestJson } from './http';
import type { Page } from './pipelines';

/** The GPU a worker computes on, as its TensorFlow.js backend found it. */
export interface WorkerGpu {
  name: string;
  vendor?: string;
  driver?: string;
  memoryBytes?: number;
  architecture?: string;
  description?: string;
}

export interface WorkerInfo {
  id: string;
  name: string;
  queues: string[];
  /** node-gpu, webgpu, node, wasm or cpu. */
  backend: string;
  gpu: string | null;
  gpuInfo: WorkerGpu | null;
  cores: number;
  memoryBytes: number;
  concurrency: number;
  runningJobs: number;
  startedAt: string;
  heartbeatAt: string;
  /** False: it stopped heartbeating and is taken for lost (its jobs go to other workers). */
  live: boolean;
}

export function listWorkers(): Promise<Page<WorkerInfo>> {
  return requestJson('GET', '/workers');
}
