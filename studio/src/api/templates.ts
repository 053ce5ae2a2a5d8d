import type {
  InstantiateRequest,
  Page,
  SaveTemplateRequest,
  TemplateDetail,
  TemplateSummary,
} from '@pipewright/nodes/contracts';
import { requestJson } from './http';

// The shapes the server answers and takes: the API contract's, inferred from its zod schemas.
export type { TemplateDetail, TemplateSummary };

/** What "Save as template" declares for one pipeline param; the server works out what is left out. */
export type DeclaredParam = NonNullable<SaveTemplateRequest['params']>[number];

export function listTemplates(): Promise<Page<TemplateSummary>> {
  return requestJson('GET', '/templates');
}

export function getTemplate(id: string, version?: number): Promise<TemplateDetail> {
  const query = version === undefined ? '' : `?version=${version}`;
  return requestJson('GET', `/templates/${encodeURIComponent(id)}${query}`);
}

/** A new pipeline from a template version, its declared params set from the form. */
export function instantiateTemplate(id: string, body: InstantiateRequest): Promise<{ id: string }> {
  return requestJson('POST', `/templates/${encodeURIComponent(id)}/instantiate`, body);
}

/** Saves the pipeline's current version as a template (the next version of the workspace's one of that name). */
export function saveAsTemplate(pipelineId: string, body: SaveTemplateRequest): Promise<TemplateDetail> {
  return requestJson('POST', `/pipelines/${encodeURIComponent(pipelineId)}/template`, body);
}

/** Imports a data-only template file: a new template of the workspace, or the next version of its name. */
export function importTemplate(document: unknown): Promise<TemplateDetail> {
  return requestJson('POST', '/templates', document);
}

export function deleteTemplate(id: string): Promise<void> {
  return requestJson('DELETE', `/templates/${encodeURIComponent(id)}`);
}

/** Where the browser downloads a version of the template as a data-only file. */
export function templateExportUrl(id: string, version: number): string {
  return `/api/templates/${encodeURIComponent(id)}/export?version=${version}`;
}
