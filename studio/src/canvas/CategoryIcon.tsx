import type { NodeCategory } from '@pipewright/nodes/descriptions';
import { CATEGORY_COLORS } from '../catalog/node-catalog';

/** Simple line glyphs, one per category (16×16 viewBox). */
const GLYPHS: Record<NodeCategory, string> = {
  source:
    'M3 4c0-1.1 2.2-2 5-2s5 .9 5 2v8c0 1.1-2.2 2-5 2s-5-.9-5-2V4zm0 0c0 1.1 2.2 2 5 2s5-.9 5-2M3 8c0 1.1 2.2 2 5 2s5-.9 5-2',
  sample: 'M3 3h2v2H3zm8 0h2v2h-2zM7 7h2v2H7zm-4 4h2v2H3zm8 4h2v-2h-2z',
  explore: 'M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zm3.5-1.5L14 14',
  clean: 'M2 4h12M4 8h8M6 12h4',
  feature: 'M3 13V8m5 5V3m5 10V6',
  split: 'M2 8h5l4-4h3M7 8l4 4h3',
  train: 'M2 12l3-4 3 2 3-5 3-2',
  model: 'M8 2l5 3v6l-5 3-5-3V5zm0 0v6m0 0l5-3M8 8L3 5',
  evaluate: 'M3 8.5l3 3 7-7',
  transform: 'M3 5h8l-2-2m4 8H5l2 2',
  deploy: 'M8 2v8m-3-3l3 3 3-3M3 13h10',
};

export function CategoryIcon({ category, size = 22 }: { category: NodeCategory; size?: number }) {
  return (
    <span
      className="pw-category-icon"
      style={{ background: CATEGORY_COLORS[category], width: size, height: size }}
      aria-hidden
    >
      <svg
        viewBox="0 0 16 16"
        width={size - 8}
        height={size - 8}
        fill="none"
        stroke="#fff"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        <path d={GLYPHS[category]} />
      </svg>
    </span>
  );
}
