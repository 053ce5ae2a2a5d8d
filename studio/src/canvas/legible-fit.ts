/** Below this zoom node titles and results are too small to read: fitting stops here. */
export const LEGIBLE_ZOOM = 0.7;
/** Around the fitted nodes, in screen pixels; the top leaves room for a notice or the read-only banner. */
export const FIT_MARGIN = { left: 40, right: 40, top: 56 };
/** The strip along the canvas's foot where the zoom buttons, the run bar and the minimap float. */
export const FOOT_OVERLAYS = 170;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The zoom at which a pipeline wider than the canvas shows from its left edge: the legible zoom, or just above it
 * when a node would be cut by the canvas's right edge (the inspector beside it), so the canvas ends between nodes.
 */
export function overflowZoom(boxes: Box[], left: number, canvasWidth: number): number {
  const room = canvasWidth - FIT_MARGIN.left;
  // At zoom z a node lies across the right edge when its left is inside and its right outside: z in (lo, hi).
  const cuts = boxes
    .filter((box) => box.x > left)
    .map((box) => ({ lo: room / (box.x + box.width - left), hi: room / (box.x - left) }));
  const candidates = [LEGIBLE_ZOOM, ...cuts.map((cut) => cut.hi)].filter((zoom) => zoom >= LEGIBLE_ZOOM && zoom <= 1);
  candidates.sort((a, b) => a - b);
  return candidates.find((zoom) => cuts.every((cut) => zoom <= cut.lo || zoom >= cut.hi)) ?? LEGIBLE_ZOOM;
}
