import { z } from 'zod';
import { timestampSchema } from './common.js';

/** The GPU a worker computes on, as its TensorFlow.js backend found it. */
export const workerGpuSchema = z
  .object({
    /** What to show: the device's name (e.g. "NVIDIA H200"). */
    name: z.string(),
    vendor: z.string().optional(),
    /** The driver, where the adapter or nvidia-smi says it. */
    driver: z.string().optional(),
    /** The GPU's own memory, where nvidia-smi says it. */
    memoryBytes: z.number().optional(),
    /** `webgpu`: the adapter's architecture and description as Dawn gives them. */
    architecture: z.string().optional(),
    description: z.string().optional(),
  })
  .strict();
export type WorkerGpu = z.infer<typeof workerGpuSchema>;

/** A registered worker (`GET /workers`). */
export const workerInfoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    queues: z.array(z.string()),
    /** node-gpu, webgpu, node, wasm or cpu. */
    backend: z.string(),
    gpu: z.string().nullable(),
    gpuInfo: workerGpuSchema.nullable(),
    cores: z.number().int().min(0),
    memoryBytes: z.number().min(0),
    concurrency: z.number().int().min(0),
    runningJobs: z.number().int().min(0),
    startedAt: timestampSchema,
    heartbeatAt: timestampSchema,
    /** False: it stopped heartbeating and is taken for lost (its jobs go to other workers). */
    live: z.boolean(),
  })
  .strict();
export type WorkerInfo = z.infer<typeof workerInfoSchema>;

/** `GET /health`, open to anyone: answered once the database answers. */
export const healthAnswerSchema = z
  .object({
    status: z.literal('ok'),
    database: z.object({ mode: z.enum(['embedded', 'external']) }).strict(),
    /** Workers with a live heartbeat (a server with none takes runs that wait). */
    workers: z.number().int().min(0),
  })
  .strict();
export type HealthAnswer = z.infer<typeof healthAnswerSchema>;
