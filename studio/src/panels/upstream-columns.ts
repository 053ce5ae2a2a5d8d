import { useEffect, useState } from 'react';
import type { ColumnInfo } from '@pipewright/nodes/descriptions';
import { previewTable } from '../api/runs';
import { useDocumentStore } from '../store/document-store';
import { useRunStore } from '../store/run-store';

const known = new Map<string, Promise<ColumnInfo[]>>();

/**
 * The columns (with their types) of the table flowing into a node's `in` port
 * (`left` for a join), as the last run produced it: what the column pickers
 * offer. Empty until the node upstream has run.
 */
export function useUpstreamColumns(nodeId: string): ColumnInfo[] {
  const upstream = useDocumentStore((state) => {
    const edge = state.edges.find((candidate) => candidate.target === nodeId && candidate.targetHandle !== 'model');
    return edge ? `${edge.source}\u0000${edge.sourceHandle ?? 'out'}` : null;
  });
  const runId = useRunStore((state) => {
    if (!upstream || !state.run) return null;
    const status = state.run.nodes[upstream.split('\u0000')[0]]?.status;
    return status === 'succeeded' || status === 'cached' ? state.run.runId : null;
  });
  const [columns, setColumns] = useState<ColumnInfo[]>([]);
  useEffect(() => {
    if (!upstream || !runId) {
      setColumns([]);
      return;
    }
    const [source, port] = upstream.split('\u0000');
    const key = `${runId}\u0000${upstream}`;
    if (!known.has(key)) {
      known.set(
        key,
        previewTable(runId, source, port).then(
          (preview) => preview.columns,
          () => [],
        ),
      );
    }
    let live = true;
    void known.get(key)?.then((found) => live && setColumns(found));
    return () => {
      live = false;
    };
  }, [upstream, runId]);
  return columns;
}
