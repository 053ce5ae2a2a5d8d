import { useShallow } from 'zustand/react/shallow';
import { autoLayoutAction } from '../actions/auto-layout';
import { copyAction, duplicateAction } from '../actions/clipboard';
import { findDefinition, PORT_TYPE_PHRASES } from '../catalog/node-catalog';
import { CategoryIcon } from '../canvas/CategoryIcon';
import { LeakWarning } from '../canvas/LeakWarning';
import { useDocumentStore } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { issuesOfNode, useValidationStore } from '../store/validation-store';
import { DeployPolicyHint } from './DeployPolicyHint';
import { DocText } from './DocText';
import { IssueList } from './IssueList';
import { NodeIdField } from './NodeIdField';
import { NodeRunPanel } from './NodeRunPanel';
import { NodeTextFields } from './NodeTextFields';
import { ParamsForm } from './ParamsForm';
import { PipelinePanel } from './PipelinePanel';

function NodeInspector({ nodeId }: { nodeId: string }) {
  // The node's data, not the node: dragging it changes its position, not what the inspector shows.
  const data = useDocumentStore((state) => state.nodes.find((candidate) => candidate.id === nodeId)?.data);
  const removeNode = useDocumentStore((state) => state.removeNode);
  const runState = useRunStore((state) => state.run?.nodes[nodeId]);
  const runId = useRunStore((state) => state.run?.runId);
  const issues = useValidationStore(useShallow((state) => issuesOfNode(state.issues, nodeId)));
  if (!data) return null;
  const definition = findDefinition(data.type);
  if (!definition) {
    return (
      <div className="pw-inspector__body">
        <p className="pw-callout pw-callout--error">This studio has no node type “{data.type}”.</p>
      </div>
    );
  }
  return (
    <div className="pw-inspector__body" data-testid="node-inspector">
      <header className="pw-inspector__header">
        <CategoryIcon category={definition.category} size={32} />
        <div>
          <h2>{definition.title}</h2>
          <p className="pw-inspector__meta">
            <code>{nodeId}</code> · {definition.type}@{definition.version}
          </p>
        </div>
      </header>
      <p className="pw-inspector__description">
        <DocText text={definition.description} />
      </p>
      {issues.length > 0 && (
        <div className="pw-callout pw-callout--warning">
          <IssueList issues={issues} />
        </div>
      )}
      <LeakWarning nodeId={nodeId} />
      {/* Results first: while a node runs or once it has, they are what the user came to see. */}
      {runState && runId && <NodeRunPanel state={runState} runId={runId} nodeId={nodeId} nodeType={definition.type} />}
      <NodeIdField nodeId={nodeId} />
      <NodeTextFields nodeId={nodeId} title={definition.title} />
      <section className="pw-inspector__section" aria-label="Parameters">
        <h3>Parameters</h3>
        {definition.type === 'deploy.service' && <DeployPolicyHint nodeId={nodeId} />}
        <ParamsForm nodeId={nodeId} definition={definition} params={data.params} />
      </section>
      <section className="pw-inspector__section" aria-label="Ports">
        <h3>Ports</h3>
        <ul className="pw-port-list">
          {definition.inputs.map((port) => (
            <li key={`in-${port.name}`}>
              <span className={`pw-port-dot pw-port-dot--${port.type}`} />
              <span className="pw-port-list__direction">input</span> <code>{port.name}</code> takes{' '}
              {PORT_TYPE_PHRASES[port.type]}
              {port.optional && ' (optional)'}
            </li>
          ))}
          {definition.outputs.map((port) => (
            <li key={`out-${port.name}`}>
              <span className={`pw-port-dot pw-port-dot--${port.type}`} />
              <span className="pw-port-list__direction">output</span> <code>{port.name}</code> gives{' '}
              {PORT_TYPE_PHRASES[port.type]}
            </li>
          ))}
        </ul>
      </section>
      {definition.docs.summary !== definition.description && (
        <section className="pw-inspector__section" aria-label="About">
          <h3>About</h3>
          <p className="pw-inspector__docs">
            <DocText text={definition.docs.summary} />
          </p>
          {definition.docs.example && (
            <pre className="pw-inspector__example">
              <code>{definition.docs.example}</code>
            </pre>
          )}
        </section>
      )}
      <div className="pw-inspector__actions">
        <button type="button" className="pw-button pw-button--danger" onClick={() => removeNode(nodeId)}>
          Delete node
        </button>
      </div>
    </div>
  );
}

/** The right panel: the selected node's params and results, or the pipeline's when nothing is selected. */
export function Inspector() {
  const selectedId = useDocumentStore((state) => state.nodes.find((node) => node.selected)?.id ?? null);
  const selectedCount = useDocumentStore((state) => state.nodes.filter((node) => node.selected).length);
  return (
    <aside className="pw-inspector" aria-label="Inspector">
      {selectedCount > 1 ? (
        <SelectionPanel count={selectedCount} />
      ) : selectedId ? (
        <NodeInspector key={selectedId} nodeId={selectedId} />
      ) : (
        <PipelinePanel />
      )}
    </aside>
  );
}

/** Several nodes selected: what can be done to all of them at once. */
function SelectionPanel({ count }: { count: number }) {
  return (
    <div className="pw-inspector__body" data-testid="selection-inspector">
      <header className="pw-inspector__header">
        <div>
          <h2>{count} nodes selected</h2>
          <p className="pw-inspector__meta">Shift-click a node to add it to the selection or take it out.</p>
        </div>
      </header>
      <div className="pw-inspector__actions">
        {[copyAction, duplicateAction, autoLayoutAction].map((action) => (
          <button key={action.id} type="button" className="pw-button" onClick={() => void action.perform()}>
            {action.label}
          </button>
        ))}
        <button
          type="button"
          className="pw-button pw-button--danger"
          onClick={() => useDocumentStore.getState().deleteSelection()}
        >
          Delete {count} nodes
        </button>
      </div>
    </div>
  );
}
