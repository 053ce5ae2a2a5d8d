import type { PipelineIssue } from '@pipewright/nodes/descriptions';
import { describeIssue } from '../store/issue-text';

/** Validation problems; with `onSelect`, each one that names a node selects it. */
export function IssueList({ issues, onSelect }: { issues: PipelineIssue[]; onSelect?: (nodeId: string) => void }) {
  return (
    <ul className="pw-issues" data-testid="issue-list">
      {issues.map((issue, index) => (
        <li key={index}>
          {onSelect && issue.nodeId ? (
            <button type="button" className="pw-link" onClick={() => onSelect(issue.nodeId as string)}>
              {describeIssue(issue)}
            </button>
          ) : (
            describeIssue({ ...issue, nodeId: onSelect ? issue.nodeId : undefined })
          )}
        </li>
      ))}
    </ul>
  );
}
