import { describe, expect, it } from 'vitest';
import { pipelineToDocument } from './pipeline-mapping';
import { findLeaks, moveAfterSplit } from './leakage';

const node = (id: string, type: string, x: number, y = 0) => ({ id, type, params: {}, position: { x, y } });

/** source → impute (fitted, before the split) → dedupe → split → train → score (test side) */
const leaky = pipelineToDocument({
  format: 'pipewright/v1',
  name: 'leaky',
  params: {},
  nodes: [
    node('source', 'source.csv', 0),
    node('impute', 'clean.missing', 280),
    node('dedupe', 'clean.duplicates', 560),
    node('split', 'split.random', 840),
    node('train', 'train.logistic', 1120),
    node('score', 'evaluate.score', 1400),
  ],
  edges: [
    { from: 'source.out', to: 'impute.in' },
    { from: 'impute.out', to: 'dedupe.in' },
    { from: 'dedupe.out', to: 'split.in' },
    { from: 'split.train', to: 'train.in' },
    { from: 'train.model', to: 'score.model' },
    { from: 'split.test', to: 'score.in' },
  ],
});

const wiring = (
  edges: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }[],
) => edges.map((edge) => `${edge.source}.${edge.sourceHandle} → ${edge.target}.${edge.targetHandle}`).sort();

describe('fitted nodes before a split', () => {
  it('finds a fitted node that feeds a split, however far before it, and only that one', () => {
    expect(findLeaks(leaky.nodes, leaky.edges).map((leak) => [leak.nodeId, leak.splitId])).toEqual([
      ['impute', 'split'],
    ]);
    expect(findLeaks(leaky.nodes, leaky.edges)[0].text).toContain('the test rows included');
  });

  it('moves it to the train side and applies it to the test side, leaving no leak', () => {
    const fixed = moveAfterSplit(leaky, { nodeId: 'impute', splitId: 'split' });
    expect(fixed.applyId).toBe('transform_apply');
    expect(wiring(fixed.edges)).toEqual(
      [
        'source.out → dedupe.in',
        'dedupe.out → split.in',
        'split.train → impute.in',
        'impute.out → train.in',
        'impute.transform → transform_apply.transform',
        'split.test → transform_apply.in',
        'transform_apply.out → score.in',
        'train.model → score.model',
      ].sort(),
    );
    expect(findLeaks(fixed.nodes, fixed.edges)).toEqual([]);
    const at = (id: string) => fixed.nodes.find((n) => n.id === id)!.position;
    // The moved node and the apply take the column after the split; what followed it moves right.
    expect(at('impute')).toEqual({ x: 1120, y: 0 });
    expect(at('transform_apply')).toEqual({ x: 1120, y: 190 });
    expect(at('train').x).toBe(1400);
    expect(at('score').x).toBe(1680);
    expect(at('source').x).toBe(0);
  });
});
