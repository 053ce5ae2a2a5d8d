import { useConnection, useStore } from '@xyflow/react';
import { useDocumentStore } from '../store/document-store';
import { checkConnection, type ProposedConnection } from './connection-rules';

interface HandleEnd {
  nodeId: string;
  id?: string | null;
  type: 'source' | 'target';
}

/** Orders the two ends of a drawn connection as output → input, whichever end the user started from. */
export function proposedConnection(from: HandleEnd, to: HandleEnd): ProposedConnection {
  const [source, target] = from.type === 'source' ? [from, to] : [to, from];
  return { source: source.nodeId, sourceHandle: source.id, target: target.nodeId, targetHandle: target.id };
}

/**
 * Why the connection being drawn would be refused, next to the pointer, before
 * the user lets go. It is drawn in screen space over the canvas's renderer
 * (not in the viewport, under the nodes), so the target node never hides it.
 */
export function ConnectionHint() {
  const hint = useConnection((connection) => {
    if (!connection.inProgress || connection.isValid !== false || !connection.toHandle) return null;
    const { nodes, edges } = useDocumentStore.getState();
    const check = checkConnection(proposedConnection(connection.fromHandle, connection.toHandle), nodes, edges);
    return check.ok ? null : { reason: check.reason, x: connection.to.x, y: connection.to.y };
  });
  const [panX, panY, zoom] = useStore((state) => state.transform);
  if (!hint) return null;
  return (
    <div
      className="pw-connection-hint"
      data-testid="connection-hint"
      style={{ transform: `translate(${hint.x * zoom + panX + 14}px, ${hint.y * zoom + panY + 14}px)` }}
    >
      {hint.reason}
    </div>
  );
}
