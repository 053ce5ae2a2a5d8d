import { describe, expect, it } from 'vitest';
import { LEGIBLE_ZOOM, overflowZoom } from './legible-fit';

/** A row of nodes 232 px wide, one every 280 px, as a pipeline laid out left to right. */
const row = (count: number) => Array.from({ length: count }, (_, i) => ({ x: i * 280, y: 0, width: 232, height: 100 }));

/** The nodes lying across the right edge of a canvas `width` wide at `zoom`, content starting 40 px in. */
const cut = (boxes: ReturnType<typeof row>, zoom: number, width: number) =>
  boxes.filter((box) => 40 + box.x * zoom < width && 40 + (box.x + box.width) * zoom > width);

describe('overflowZoom', () => {
  it('stays at the legible zoom when the canvas edge falls between nodes', () => {
    // At 0.7, 40 + 4·280·0.7 = 824 and the fourth node ends at 40 + (3·280 + 232)·0.7 = 790.4: the edge at 800 is clear.
    expect(overflowZoom(row(7), 0, 800)).toBe(LEGIBLE_ZOOM);
  });

  it('zooms in just enough that the node across the inspector’s edge moves out of view, at 1440 and 1280 px', () => {
    for (const width of [836, 676]) {
      const zoom = overflowZoom(row(7), 0, width);
      expect(zoom).toBeGreaterThan(LEGIBLE_ZOOM);
      expect(zoom).toBeLessThanOrEqual(1);
      expect(cut(row(7), zoom, width)).toEqual([]);
      expect(cut(row(7), LEGIBLE_ZOOM, width)).not.toEqual([]);
    }
  });
});
