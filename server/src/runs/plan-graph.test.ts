import { readFileSync } from 'node:fs';
import { compilePipeline, registry } from '@pipewright/nodes';
import { describe, expect, it } from 'vitest';
import { downstreamOf } from './plan-graph.js';

const example = JSON.parse(readFileSync(new URL('../../../examples/breast-cancer.json', import.meta.url), 'utf8'));
const plan = compilePipeline(example, { registry });

describe('downstreamOf', () => {
  it('finds every node that depends on a node, directly or through others', () => {
    expect([...downstreamOf(plan, 'split')].sort()).toEqual(['impute', 'metrics', 'score', 'train']);
    expect([...downstreamOf(plan, 'train')].sort()).toEqual(['metrics', 'score']);
  });

  it('finds nothing after the last node', () => {
    expect(downstreamOf(plan, 'metrics').size).toBe(0);
  });
});
