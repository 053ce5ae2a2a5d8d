import { useMemo, useState } from 'react';
import { useRunStore } from '../store/run-store';

/** Every log line of the run on the canvas, oldest first, narrowed to one node on request. */
export function RunLogPanel() {
  const nodes = useRunStore((state) => state.run?.nodes);
  const [nodeFilter, setNodeFilter] = useState('');
  const lines = useMemo(() => {
    if (!nodes) return [];
    return Object.entries(nodes)
      .filter(([nodeId]) => !nodeFilter || nodeId === nodeFilter)
      .flatMap(([nodeId, node]) => node.logs.map((line) => ({ ...line, nodeId })))
      .sort((a, b) => a.at.localeCompare(b.at));
  }, [nodes, nodeFilter]);
  if (!nodes) return null;
  return (
    <section className="pw-inspector__section" aria-label="Run log" data-testid="run-log">
      <h3>Run log</h3>
      <select
        className="pw-input"
        aria-label="Show the log of"
        value={nodeFilter}
        onChange={(event) => setNodeFilter(event.target.value)}
      >
        <option value="">All nodes</option>
        {Object.keys(nodes).map((nodeId) => (
          <option key={nodeId} value={nodeId}>
            {nodeId}
          </option>
        ))}
      </select>
      {lines.length === 0 ? (
        <p className="pw-muted">No log lines{nodeFilter && ` from ${nodeFilter}`}.</p>
      ) : (
        <ol className="pw-run-log">
          {lines.slice(-300).map((line, index) => (
            <li key={index} className={`pw-log--${line.level}`}>
              <span className="pw-run-log__node">{line.nodeId}</span>
              {line.message}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
