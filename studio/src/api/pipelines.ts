import type { PipelineFile } from '@pipewright/nodes';
import type {
  Page,
  PipelineSummary,
  PipelineVersionSummary,
  StoredPipeline,
  ValidationAnswer,
} from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers: the API contract's, inferred from its zod schemas.
export type { Page, PipelineSummary, PipelineVersionSummary, StoredPipeline, ValidationAnswer };

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
  // What the server adds to the file (the template it came from, too) is not part of the file it takes back.
  const {
    id: _id,
    version: _version,
    createdAt: _created,
    updatedAt: _updated,
    template: _template,
    ...file
  } = await getPipeline(id);
  return updatePipeline(id, { ...file, name });
}
