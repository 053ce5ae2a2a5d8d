import { describe, expect, it } from 'vitest';
import { registry } from '@pipewright/nodes/descriptions';
import { makeEdge, type PipelineFlowEdge, type PipelineFlowNode } from '../store/pipeline-mapping';
import { checkConnection } from './connection-rules';

const node = (id: string, type: string): PipelineFlowNode => ({
  id,
  type: 'pipeline',
  position: { x: 0, y: 0 },
  data: { type, params: {} },
});

describe('checkConnection', () => {
  const nodes = [node('source', 'source.csv'), node('impute', 'clean.missing'), node('dedupe', 'clean.duplicates')];
  const edges: PipelineFlowEdge[] = [
    makeEdge({ source: 'source', sourceHandle: 'out', target: 'impute', targetHandle: 'in' }, 'table'),
    makeEdge({ source: 'impute', sourceHandle: 'out', target: 'dedupe', targetHandle: 'in' }, 'table'),
  ];

  it('lets a table output feed a table input', () => {
    expect(
      checkConnection({ source: 'source', sourceHandle: 'out', target: 'dedupe', targetHandle: 'in' }, nodes, []),
    ).toEqual({ ok: true });
  });

  it('refuses ports of different types with the catalog’s own reason', () => {
    expect(registry.get('clean.missing')?.outputs.find((port) => port.name === 'transform')?.type).toBe('transform');
    const check = checkConnection(
      { source: 'impute', sourceHandle: 'transform', target: 'dedupe', targetHandle: 'in' },
      nodes,
      [],
    );
    expect(check).toEqual({ ok: false, reason: 'impute.transform gives a transform but dedupe.in takes a table' });
  });

  it('refuses a connection that closes a loop and names it', () => {
    const check = checkConnection(
      { source: 'dedupe', sourceHandle: 'out', target: 'impute', targetHandle: 'in' },
      nodes,
      edges,
    );
    expect(check).toEqual({ ok: false, reason: 'that would make a loop: dedupe → impute → dedupe' });
  });

  it('refuses a node feeding itself', () => {
    const check = checkConnection(
      { source: 'impute', sourceHandle: 'out', target: 'impute', targetHandle: 'in' },
      nodes,
      [],
    );
    expect(check.ok).toBe(false);
  });
});
