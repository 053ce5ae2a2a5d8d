import { formatIssue, pipelineFileSchema } from '@pipewright/nodes/descriptions';
import { createPipeline, type StoredPipeline } from '../api/pipelines';
import { ApiError } from '../api/http';

/**
 * Reads a `pipewright/v1` file and saves it as a new pipeline. The file is
 * checked here first so a wrong file is named before anything is sent.
 */
export async function importPipelineFile(file: File): Promise<StoredPipeline> {
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new Error(`${file.name} is not a JSON file`);
  }
  const parsed = pipelineFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new Error(`${file.name} is not a Pipewright pipeline file (${where}${issue.message})`);
  }
  try {
    return await createPipeline(parsed.data);
  } catch (error) {
    if (error instanceof ApiError && error.nodeId) {
      throw new Error(
        formatIssue({ code: 'format', nodeId: error.nodeId, param: error.param, message: error.message }),
      );
    }
    throw error;
  }
}
