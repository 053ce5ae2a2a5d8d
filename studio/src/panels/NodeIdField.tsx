import { useState } from 'react';
import { useDocumentStore } from '../store/document-store';

/** The node's id, renamed on Enter or when the field loses focus; Escape puts it back. */
export function NodeIdField({ nodeId }: { nodeId: string }) {
  const renameNode = useDocumentStore((state) => state.renameNode);
  const [draft, setDraft] = useState(nodeId);
  const [error, setError] = useState<string | null>(null);

  const apply = () => {
    const problem = renameNode(nodeId, draft.trim());
    setError(problem);
  };

  return (
    <div className={`pw-field${error ? ' pw-field--invalid' : ''}`}>
      <label className="pw-field__label" htmlFor="node-id">
        Id
        <span className="pw-field__name">used in edges, runs and errors</span>
      </label>
      <input
        id="node-id"
        className="pw-input pw-input--mono"
        value={draft}
        aria-invalid={error !== null}
        spellCheck={false}
        onChange={(event) => {
          setDraft(event.target.value);
          setError(null);
        }}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
          if (event.key === 'Escape') {
            setDraft(nodeId);
            setError(null);
          }
        }}
      />
      {error && (
        <p className="pw-field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
