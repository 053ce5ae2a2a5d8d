import { useDocumentStore } from '../store/document-store';
import { leaksOf } from '../store/leakage';

/**
 * The warning a fitted node before a split carries, with the one-click fix: on the node a line (its full
 * text on hover), in the inspector the whole explanation.
 */
export function LeakWarning({ nodeId, compact = false }: { nodeId: string; compact?: boolean }) {
  const leak = useDocumentStore((state) => leaksOf(state).find((candidate) => candidate.nodeId === nodeId));
  const editable = useDocumentStore((state) => state.readOnlyVersion === null);
  const fixLeak = useDocumentStore((state) => state.fixLeak);
  if (!leak) return null;
  const fix = editable && (
    <button
      type="button"
      className="pw-button pw-button--small nodrag"
      data-testid={`fix-leak-${nodeId}`}
      title={`Moves ${nodeId} to the train side of ${leak.splitId} and applies what it learns to the test side (transform.apply)`}
      onClick={(event) => {
        event.stopPropagation();
        fixLeak(leak);
      }}
    >
      Move after split
    </button>
  );
  if (compact) {
    return (
      <div className="pw-node__leak" role="alert" title={leak.text} data-testid={`leak-${nodeId}`}>
        <span>⚠ Learns from test rows</span>
        {fix}
      </div>
    );
  }
  return (
    <div className="pw-callout pw-callout--warning" role="alert" data-testid="leak-warning">
      <div className="pw-callout__text">{leak.text}</div>
      {fix}
    </div>
  );
}
