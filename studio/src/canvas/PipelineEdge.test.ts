import { describe, expect, it } from 'vitest';
import { wrapLane } from './PipelineEdge';

/** A node at (x, y) that is 130 px tall, as the canvas measures it. */
const at = (x: number, y: number) => ({
  internals: { positionAbsolute: { x, y }, z: 0, userNode: undefined as never, handleBounds: undefined },
  measured: { width: 210, height: 130 },
});

describe('wrapLane', () => {
  it('leaves a connection that runs forward to React Flow’s curve', () => {
    expect(wrapLane(at(0, 0), at(300, 200), { sourceX: 210, targetX: 300 })).toBeUndefined();
  });

  it('runs a connection back to the row below along the middle of the gap between the rows', () => {
    expect(wrapLane(at(520, 0), at(0, 170), { sourceX: 730, targetX: 0 })).toBe(150);
  });

  it('runs one back to the row above along the gap above its source', () => {
    expect(wrapLane(at(520, 170), at(0, 0), { sourceX: 730, targetX: 0 })).toBe(150);
  });

  it('draws a curve when the two nodes share a row or the gap is too narrow for a line', () => {
    expect(wrapLane(at(520, 0), at(0, 20), { sourceX: 730, targetX: 0 })).toBeUndefined();
    expect(wrapLane(at(520, 0), at(0, 134), { sourceX: 730, targetX: 0 })).toBeUndefined();
    expect(wrapLane(undefined, at(0, 170), { sourceX: 730, targetX: 0 })).toBeUndefined();
  });
});
