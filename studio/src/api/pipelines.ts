import type { PipelineFile, PipelineIssue } from '@pipewright/nodes';
import { requestJson } from './http';

export interface Page<T> {
  items: T[];
  total: number;
}

/** A saved pipeline: the file plus what the server adds to every version. */
export type StoredPipeline = PipelineFile & {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export interface PipelineSummary {
  id: string;
  name: string;
  description?: string;
  version: number;
  createdAt?: string;
  updatedAt: string;
}

export interface ValidationAnswer {
  ok: boolean;
  issues: PipelineIssue[];
}

export function listPipelines(page: { limit?: number; offset?: number } = {}): Promise<Page<PipelineSummary>> {
  const query = new URLSearchParams({ limit: String(page.limit ?? 100), offset: String(page.offset ?? 0) });
  return requestJson('GET', `/pipelines?${query}`);
}

export function getPipeline(id: string): Promise<StoredPipeline> {
  return requestJson('GET', `/pipelines/${encodeURIComponent(id)}`);
}

export function createPipeline(file: PipelineFile): Promise<StoredPipeline> {
  return requestJson('POST', '/pipelines', file);
}

/** Every save is a new version. */
export function updatePipeline(id: string, file: PipelineFile): Promise<StoredPipeline> {
  return requestJson('PUT', `/pipelines/${encodeURIComponent(id)}`, file);
}

export function validatePipelineFile(file: PipelineFile): Promise<ValidationAnswer> {
  return requestJson('POST', '/pipelines/validate', file);
}

export interface PipelineVersionSummary {
  version: number;
  name: string;
  createdAt: string;
}

export function deletePipeline(id: string): Promise<void> {
  return requestJson('DELETE', `/pipelines/${encodeURIComponent(id)}`);
}

export function listPipelineVersions(id: string): Promise<Page<PipelineVersionSummary>> {
  return requestJson('GET', `/pipelines/${encodeURIComponent(id)}/versions?limit=500`);
}

export function getPipelineVersion(id: string, version: number): Promise<StoredPipeline> {
  return requestJson('GET', `/pipelines/${encodeURIComponent(id)}/versions/${version}`);
}

/** Renames a pipeline: its current file with the new name, saved as a new version. */
export async function renamePipeline(id: string, name: string): Promise<StoredPipeline> {
  const { id: _id, version: _version, createdAt: _created, updatedAt: _updated, ...file } = await getPipeline(id);
  return updatePipeline(id, { ...file, name });
}
