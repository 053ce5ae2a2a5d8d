import { describe, expect, it } from 'vitest';
import { copyOfFragment, selectedFragment } from './node-fragment';
import { makeEdge, type PipelineFlowNode } from './pipeline-mapping';

const node = (id: string, type: string, selected: boolean): PipelineFlowNode => ({
  id,
  type: 'pipeline',
  position: { x: 10, y: 20 },
  selected,
  data: { type, params: { seed: 7 } },
});

describe('copy and paste of node groups', () => {
  const nodes = [
    node('src', 'source.csv', false),
    node('clean', 'clean.missing', true),
    node('split', 'split.random', true),
  ];
  const edges = [
    makeEdge({ source: 'src', sourceHandle: 'out', target: 'clean', targetHandle: 'in' }, 'table'),
    makeEdge({ source: 'clean', sourceHandle: 'out', target: 'split', targetHandle: 'in' }, 'table'),
  ];

  it('copies the selected nodes and only the edges between them', () => {
    const fragment = selectedFragment(nodes, edges);
    expect(fragment.nodes.map((copied) => copied.id)).toEqual(['clean', 'split']);
    expect(fragment.edges.map((edge) => edge.id)).toEqual(['clean.out->split.in']);
  });

  it('pastes with fresh ids, edges rewired to them, moved by the offset, params kept', () => {
    const pasted = copyOfFragment(selectedFragment(nodes, edges), ['src', 'clean', 'split'], { x: 40, y: 40 });
    expect(pasted.nodes.map((copied) => copied.id)).toEqual(['clean_missing', 'split_random']);
    expect(pasted.nodes[0]).toMatchObject({
      position: { x: 50, y: 60 },
      selected: true,
      data: { params: { seed: 7 } },
    });
    expect(pasted.edges.map((edge) => edge.id)).toEqual(['clean_missing.out->split_random.in']);
    // A second paste does not reuse the first paste's ids.
    const again = copyOfFragment(
      selectedFragment(nodes, edges),
      ['src', 'clean', 'split', 'clean_missing', 'split_random'],
      {
        x: 80,
        y: 80,
      },
    );
    expect(again.nodes.map((copied) => copied.id)).toEqual(['clean_missing_2', 'split_random_2']);
  });
});
