import { useShallow } from 'zustand/react/shallow';
import { useDocumentStore } from '../store/document-store';
import { useValidationStore } from '../store/validation-store';
import { useViewStore } from '../store/view-store';
import { relativeTime } from '../canvas/format';
import { IssueList } from './IssueList';
import { PARAM_TYPE_LABELS } from './pipeline-param-types';
import { PipelineParamField } from './PipelineParamField';
import { RunLogPanel } from './RunLogPanel';
import { VersionHistory } from './VersionHistory';

/** What the inspector shows with no node selected: the pipeline itself. */
export function PipelinePanel() {
  const { name, description, params, paramInfo, nodeCount, edgeCount, version, updatedAt, readOnly } = useDocumentStore(
    useShallow((state) => ({
      name: state.name,
      description: state.description,
      params: state.params,
      paramInfo: state.paramInfo,
      readOnly: state.readOnlyVersion !== null,
      nodeCount: state.nodes.length,
      edgeCount: state.edges.length,
      version: state.version,
      updatedAt: state.updatedAt,
    })),
  );
  const setName = useDocumentStore((state) => state.setName);
  const setDescription = useDocumentStore((state) => state.setDescription);
  const selectNode = useDocumentStore((state) => state.selectNode);
  const issues = useValidationStore((state) => state.issues);
  const setMakingParam = useViewStore((state) => state.setNewParamOpen);

  return (
    <div className="pw-inspector__body" data-testid="pipeline-inspector">
      <header className="pw-inspector__header">
        <div>
          <h2>Pipeline</h2>
          <p className="pw-inspector__meta">
            {version !== null ? `version ${version}` : 'not saved yet'}
            {updatedAt && ` · saved ${relativeTime(updatedAt)}`}
          </p>
        </div>
      </header>
      <div className="pw-form">
        <div className="pw-field">
          <label className="pw-field__label" htmlFor="pipeline-name">
            Name
          </label>
          <input
            id="pipeline-name"
            className="pw-input"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="pw-field">
          <label className="pw-field__label" htmlFor="pipeline-description">
            Description
          </label>
          <textarea
            id="pipeline-description"
            className="pw-input pw-textarea"
            rows={4}
            value={description ?? ''}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
      </div>
      <section className="pw-inspector__section">
        <h3>Overview</h3>
        <p className="pw-muted">
          {nodeCount} node{nodeCount === 1 ? '' : 's'}, {edgeCount} connection{edgeCount === 1 ? '' : 's'}
        </p>
        {Object.keys(params).length > 0 && (
          <dl className="pw-param-list">
            {Object.entries(params).map(([key, value]) => (
              <div key={key}>
                <dt>
                  <code>{key}</code>
                </dt>
                <dd>
                  <PipelineParamField name={key} value={value} />
                  {(paramInfo[key]?.type || paramInfo[key]?.description) && (
                    <p className="pw-field__help" data-testid={`param-info-${key}`}>
                      {[paramInfo[key].type && PARAM_TYPE_LABELS[paramInfo[key].type], paramInfo[key].description]
                        .filter(Boolean)
                        .join(' · ')}
                    </p>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        )}
        {!readOnly && (
          <button
            type="button"
            className="pw-button pw-button--small pw-inspector__add-param"
            onClick={() => setMakingParam(true)}
          >
            New pipeline param…
          </button>
        )}
      </section>
      {issues.length > 0 && (
        <section className="pw-inspector__section" aria-label="Problems">
          <h3>Problems ({issues.length})</h3>
          <IssueList issues={issues} onSelect={selectNode} />
        </section>
      )}
      <RunLogPanel />
      <VersionHistory />
      {nodeCount > 0 && <p className="pw-muted pw-inspector__tip">Select a node to edit its parameters.</p>}
    </div>
  );
}
