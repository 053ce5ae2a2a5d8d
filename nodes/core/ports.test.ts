import { describe, expect, it } from 'vitest';
import { canConnect } from './ports.js';

describe('canConnect', () => {
  it('accepts ports of the same type', () => {
    const result = canConnect(
      { nodeId: 'split', port: { name: 'train', type: 'table' } },
      { nodeId: 'train', port: { name: 'in', type: 'table' } },
    );
    expect(result).toEqual({ ok: true });
  });

  it('refuses a model into a table input and says why, naming both ends', () => {
    const result = canConnect(
      { nodeId: 'train', port: { name: 'model', type: 'model' } },
      { nodeId: 'metrics', port: { name: 'in', type: 'table' } },
    );
    expect(result).toEqual({ ok: false, reason: 'train.model gives a model but metrics.in takes a table' });
  });

  it('refuses a node wired to itself', () => {
    const result = canConnect(
      { nodeId: 'clean', port: { name: 'out', type: 'table' } },
      { nodeId: 'clean', port: { name: 'in', type: 'table' } },
    );
    expect(result.ok).toBe(false);
  });
});
