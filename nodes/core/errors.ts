/** Where a problem sits, so every boundary can name it. */
export interface ProblemLocation {
  nodeId?: string;
  param?: string;
  port?: string;
  column?: string;
  row?: number;
}

/**
 * A failure a user can act on, thrown by a node's run. The runtime adds the
 * node id; the message should already name the param, column or row.
 */
export class NodeError extends Error {
  readonly param?: string;
  readonly column?: string;
  readonly row?: number;

  constructor(message: string, where: Omit<ProblemLocation, 'nodeId' | 'port'> = {}) {
    super(message);
    this.name = 'NodeError';
    this.param = where.param;
    this.column = where.column;
    this.row = where.row;
  }
}

export type PipelineIssueCode =
  | 'format'
  | 'duplicate-id'
  | 'unknown-node-type'
  | 'unknown-param'
  | 'bad-param'
  | 'unknown-pipeline-param'
  | 'unknown-port'
  | 'bad-edge'
  | 'incompatible-ports'
  | 'missing-input'
  | 'cycle'
  /** A source names a dataset (or version) the workspace does not have. */
  | 'unknown-dataset';

export interface PipelineIssue extends ProblemLocation {
  code: PipelineIssueCode;
  message: string;
}

export class PipelineInvalidError extends Error {
  readonly issues: PipelineIssue[];

  constructor(issues: PipelineIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'PipelineInvalidError';
    this.issues = issues;
  }
}

export function formatIssue(issue: PipelineIssue): string {
  const where = [
    issue.nodeId && `node "${issue.nodeId}"`,
    issue.param && `param "${issue.param}"`,
    issue.port && `port "${issue.port}"`,
  ]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${issue.message}` : issue.message;
}
