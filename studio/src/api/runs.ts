import type { Page, RunDocument, RunEvent, RunSummary, TablePreview } from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers: the API contract's, inferred from its zod schemas.
export type { RunSummary, TablePreview };

/** `keyRecipient`: the public key a deployment this run creates encrypts its first API key to (key-reveals.ts). */
export function startRun(
  pipelineId: string,
  options: { params?: Record<string, unknown>; keyRecipient?: JsonWebKey } = {},
): Promise<{ id: string }> {
  return requestJson('POST', `/pipelines/${encodeURIComponent(pipelineId)}/runs`, {
    ...(options.params ? { params: options.params } : {}),
    ...(options.keyRecipient ? { keyRecipient: options.keyRecipient } : {}),
  });
}

export function getRun(runId: string): Promise<RunDocument> {
  return requestJson('GET', `/runs/${encodeURIComponent(runId)}`);
}

/** The pipeline's runs, newest first; with `version`, only the runs of that version. */
export function listPipelineRuns(pipelineId: string, limit = 20, version?: number): Promise<Page<RunSummary>> {
  const ofVersion = version === undefined ? '' : `&version=${version}`;
  return requestJson('GET', `/pipelines/${encodeURIComponent(pipelineId)}/runs?limit=${limit}${ofVersion}`);
}

export function cancelRun(runId: string): Promise<unknown> {
  return requestJson('POST', `/runs/${encodeURIComponent(runId)}/cancel`, {});
}

export function listRunEvents(runId: string, afterSeq = 0): Promise<{ items: RunEvent[] }> {
  return requestJson('GET', `/runs/${encodeURIComponent(runId)}/events?afterSeq=${afterSeq}`);
}

export function previewTable(runId: string, nodeId: string, port: string): Promise<TablePreview> {
  return requestJson(
    'GET',
    `/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}/preview?port=${encodeURIComponent(port)}`,
  );
}
