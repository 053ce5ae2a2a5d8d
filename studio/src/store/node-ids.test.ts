import { describe, expect, it } from 'vitest';
import { pipelineNodeSchema } from '@pipewright/nodes/descriptions';
import { nextNodeId } from './node-ids';

describe('nextNodeId', () => {
  it('names a node after its type, numbering repeats from 2', () => {
    expect(nextNodeId('clean.missing@1', [])).toBe('clean_missing');
    expect(nextNodeId('clean.missing', ['clean_missing'])).toBe('clean_missing_2');
    expect(nextNodeId('clean.missing', ['clean_missing', 'clean_missing_2', 'clean_missing_4'])).toBe(
      'clean_missing_3',
    );
  });

  it('always answers an id the pipeline file accepts', () => {
    for (const type of ['source.csv', 'train.logistic@3', '3d.points', 'évaluer.score']) {
      const id = nextNodeId(type, []);
      expect(pipelineNodeSchema.shape.id.safeParse(id).success, id).toBe(true);
    }
  });
});
