import { formatIssue, registry, validatePipeline, type PipelineIssue } from '@pipewright/nodes';
import { InvalidInputError, parseParamOptions, readPipelineFile } from './pipeline-file-input.js';

/** `pipewright validate FILE`: 0 when the file can run, 2 (with every problem listed) when it cannot. */
export async function validateCommand(options: { file: string; param: string[] }): Promise<number> {
  try {
    const file = await readPipelineFile(options.file);
    const result = validatePipeline(file, { registry, params: parseParamOptions(options.param) });
    if (!result.ok) {
      printIssues(options.file, result.issues);
      return 2;
    }
    process.stdout.write(`${options.file} is valid: ${result.nodes?.length ?? 0} nodes\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
}

export function printIssues(path: string, issues: PipelineIssue[]): void {
  process.stderr.write(
    `${path} is not a valid pipeline (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n`,
  );
  for (const issue of issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
}
