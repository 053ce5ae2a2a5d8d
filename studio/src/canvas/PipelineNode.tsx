import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import type { PortSpec } from '@pipewright/nodes/descriptions';
import { findDefinition, PORT_TYPE_LABELS, PORT_TYPE_PHRASES } from '../catalog/node-catalog';
import { describeIssue, issueMessage } from '../store/issue-text';
import type { PipelineFlowNode } from '../store/pipeline-mapping';
import { useRunStore } from '../store/run-store';
import { issuesOfNode, useValidationStore } from '../store/validation-store';
import { useViewStore } from '../store/view-store';
import { CategoryIcon } from './CategoryIcon';
import { LeakWarning } from './LeakWarning';
import { NodeRunDetails } from './NodeRunDetails';

function PortRow({ nodeId, input, output }: { nodeId: string; input?: PortSpec; output?: PortSpec }) {
  return (
    <div className="pw-port-row">
      {input ? (
        <div className="pw-port pw-port--input">
          <Handle
            type="target"
            position={Position.Left}
            id={input.name}
            className={`pw-handle pw-handle--${input.type}`}
            data-testid={`input-${nodeId}.${input.name}`}
            aria-label={`input ${input.name} (${PORT_TYPE_LABELS[input.type]})`}
            title={`${input.label ?? input.name}: takes ${PORT_TYPE_PHRASES[input.type]}${input.optional ? ' (optional)' : ''}`}
          />
          <span className="pw-port__name">{input.name}</span>
          <span className={`pw-port__type pw-port__type--${input.type}`}>{input.type}</span>
        </div>
      ) : (
        <span />
      )}
      {output ? (
        <div className="pw-port pw-port--output">
          <span className={`pw-port__type pw-port__type--${output.type}`}>{output.type}</span>
          <span className="pw-port__name">{output.name}</span>
          <Handle
            type="source"
            position={Position.Right}
            id={output.name}
            className={`pw-handle pw-handle--${output.type}`}
            data-testid={`output-${nodeId}.${output.name}`}
            aria-label={`output ${output.name} (${PORT_TYPE_LABELS[output.type]})`}
            title={`${output.label ?? output.name}: gives ${PORT_TYPE_PHRASES[output.type]}`}
          />
        </div>
      ) : (
        <span />
      )}
    </div>
  );
}

/**
 * Every node on the canvas, whatever its type: title, ports and params come
 * from the node's description in the catalog, status from the run.
 */
export const PipelineNode = memo(function PipelineNode({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const definition = findDefinition(data.type);
  const runState = useRunStore((state) => state.run?.nodes[id]);
  const issues = useValidationStore(useShallow((state) => issuesOfNode(state.issues, id)));
  const highlighted = useViewStore((state) => state.notice?.nodeId === id);

  const status = runState?.status;
  const className = [
    'pw-node',
    status ? `pw-node--${status}` : 'pw-node--idle',
    selected && 'pw-node--selected',
    highlighted && 'pw-node--highlighted',
    issues.length > 0 && !status && 'pw-node--has-issues',
  ]
    .filter(Boolean)
    .join(' ');

  if (!definition) {
    return (
      <div className={`${className} pw-node--unknown`} data-testid={`node-${id}`}>
        <div className="pw-node__header">
          <div className="pw-node__titles">
            <div className="pw-node__title">Unknown node</div>
            <div className="pw-node__id">{id}</div>
          </div>
        </div>
        <div className="pw-node__error">This studio has no node type “{data.type}”.</div>
      </div>
    );
  }

  const rows = Math.max(definition.inputs.length, definition.outputs.length);
  return (
    <div className={className} data-testid={`node-${id}`} aria-label={`${definition.title} node ${id}`}>
      <div className="pw-node__header">
        <CategoryIcon category={definition.category} />
        <div className="pw-node__titles">
          <div className="pw-node__title">{data.label ?? definition.title}</div>
          <div className="pw-node__id">{id}</div>
        </div>
      </div>
      {data.notes && (
        <div className="pw-node__notes" title={data.notes} data-testid={`notes-${id}`}>
          {data.notes}
        </div>
      )}
      {rows > 0 && (
        <div className="pw-node__ports">
          {Array.from({ length: rows }, (_, index) => (
            <PortRow key={index} nodeId={id} input={definition.inputs[index]} output={definition.outputs[index]} />
          ))}
        </div>
      )}
      <LeakWarning nodeId={id} compact />
      {/* One foot of a fixed height: what is wrong now, else the last run, else nothing yet. */}
      <div className="pw-node__foot">
        {issues.length > 0 ? (
          <ul className="pw-node__issues" data-testid={`issues-${id}`} title={issues.map(describeIssue).join('\n')}>
            {issues.slice(0, 2).map((issue, index) => (
              <li key={index}>
                {issue.param ? <strong>{issue.param}: </strong> : issue.port ? <strong>{issue.port}: </strong> : null}
                {issueMessage(issue)}
                {index === 1 && issues.length > 2 && ` (and ${issues.length - 2} more)`}
              </li>
            ))}
          </ul>
        ) : runState ? (
          <NodeRunDetails nodeId={id} state={runState} />
        ) : (
          <div className="pw-node__idle">Not run yet</div>
        )}
      </div>
    </div>
  );
});
