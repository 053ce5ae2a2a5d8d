import { formatIssue, type PipelineIssue } from '@pipewright/nodes/descriptions';

/**
 * zod words a missing param as "Invalid input: expected string, received
 * undefined"; on a node that reads better as what the user must do.
 */
export function issueMessage(issue: PipelineIssue): string {
  if (issue.code === 'bad-param' && /received undefined$/.test(issue.message)) return 'required';
  return issue.message;
}

/** The issue with where it is: `node "train", param "label": required`. */
export function describeIssue(issue: PipelineIssue): string {
  return formatIssue({ ...issue, message: issueMessage(issue) });
}
