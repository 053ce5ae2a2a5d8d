import type { XYPosition } from '@xyflow/react';

/** The drag payload a palette item carries: the node type id. */
export const NODE_DRAG_TYPE = 'application/x-pipewright-node';

/** Roughly the size of a node card, to centre a dropped node under the pointer and to keep added nodes apart. */
export const NODE_WIDTH = 240;
export const NODE_HEADER_HEIGHT = 48;

export function centredUnderPointer(point: XYPosition): XYPosition {
  return { x: point.x - NODE_WIDTH / 2, y: point.y - NODE_HEADER_HEIGHT / 2 };
}

/** Moves a position down and right until no node sits on it, so repeated adds do not stack. */
export function freePosition(wanted: XYPosition, taken: XYPosition[]): XYPosition {
  const position = { ...wanted };
  const near = (other: XYPosition) => Math.abs(other.x - position.x) < 40 && Math.abs(other.y - position.y) < 40;
  for (let attempt = 0; attempt < 50 && taken.some(near); attempt++) {
    position.x += 40;
    position.y += 40;
  }
  return position;
}
