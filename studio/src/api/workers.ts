import type { Page, WorkerGpu, WorkerInfo } from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers: the API contract's, inferred from its zod schemas.
export type { WorkerGpu, WorkerInfo };

export function listWorkers(): Promise<Page<WorkerInfo>> {
  return requestJson('GET', '/workers');
}
