import { memo, useCallback, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { AnyNodeDescription } from '@pipewright/nodes/descriptions';
import { paletteGroups, PORT_TYPE_PHRASES } from '../catalog/node-catalog';
import { DocText } from './DocText';
import { CategoryIcon } from '../canvas/CategoryIcon';
import { centredUnderPointer, freePosition, NODE_DRAG_TYPE } from '../canvas/node-placement';
import { useDocumentStore } from '../store/document-store';
import { useViewStore } from '../store/view-store';

/** Adds a node in the middle of what the canvas shows, clear of nodes already there. */
function useAddAtCentre() {
  const flow = useStoreApi();
  return useCallback(
    (definition: AnyNodeDescription) => {
      const { width, height, transform } = flow.getState();
      const [x, y, zoom] = transform;
      const centre = { x: (width / 2 - x) / zoom, y: (height / 2 - y) / zoom };
      const taken = useDocumentStore.getState().nodes.map((node) => node.position);
      useDocumentStore.getState().addNode(definition, freePosition(centredUnderPointer(centre), taken));
    },
    [flow],
  );
}

interface ShownDocs {
  definition: AnyNodeDescription;
  top: number;
  left: number;
}

/** The node's docs beside the palette while its item is hovered or focused. */
function PaletteDocCard({ shown }: { shown: ShownDocs }) {
  const { definition } = shown;
  return (
    <div
      className="pw-doc-card"
      id="palette-doc-card"
      role="tooltip"
      data-testid="palette-doc-card"
      style={{ top: shown.top, left: shown.left }}
    >
      <strong>{definition.title}</strong>
      <code className="pw-muted">
        {definition.type}@{definition.version}
      </code>
      <p>
        <DocText text={definition.docs.summary} />
      </p>
      <ul>
        {definition.inputs.map((port) => (
          <li key={`in-${port.name}`}>
            <span className={`pw-port-dot pw-port-dot--${port.type}`} /> takes {PORT_TYPE_PHRASES[port.type]} on{' '}
            <code>{port.name}</code>
          </li>
        ))}
        {definition.outputs.map((port) => (
          <li key={`out-${port.name}`}>
            <span className={`pw-port-dot pw-port-dot--${port.type}`} /> gives {PORT_TYPE_PHRASES[port.type]} on{' '}
            <code>{port.name}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

const PaletteItem = memo(function PaletteItem({
  definition,
  onAdd,
  onShowDocs,
  describedBy,
}: {
  definition: AnyNodeDescription;
  onAdd: (definition: AnyNodeDescription) => void;
  onShowDocs: (shown: ShownDocs | null) => void;
  describedBy?: string;
}) {
  const show = (element: HTMLElement) => {
    const box = element.getBoundingClientRect();
    onShowDocs({ definition, top: box.top, left: box.right + 8 });
  };
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(NODE_DRAG_TYPE, definition.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onAdd(definition);
    }
  };
  return (
    <li
      className="pw-palette__item"
      draggable
      onDragStart={onDragStart}
      onDoubleClick={() => onAdd(definition)}
      onKeyDown={onKeyDown}
      tabIndex={0}
      role="button"
      aria-label={`${definition.title}: drag onto the canvas or press Enter to add`}
      aria-describedby={describedBy}
      onMouseEnter={(event) => show(event.currentTarget)}
      onFocus={(event) => show(event.currentTarget)}
      onMouseLeave={() => onShowDocs(null)}
      onBlur={() => onShowDocs(null)}
      data-testid={`palette-${definition.type}`}
    >
      <CategoryIcon category={definition.category} size={26} />
      <div className="pw-palette__text">
        <span className="pw-palette__title">{definition.title}</span>
        <span className="pw-palette__description">{definition.description}</span>
      </div>
    </li>
  );
});

/** The node catalog, grouped by category: drag an item onto the canvas, or double-click it. */
export function Palette() {
  const search = useViewStore((state) => state.paletteSearch);
  const setSearch = useViewStore((state) => state.setPaletteSearch);
  const groups = useMemo(() => paletteGroups(search), [search]);
  const addAtCentre = useAddAtCentre();
  const [docs, setDocs] = useState<ShownDocs | null>(null);

  return (
    <aside className="pw-palette" aria-label="Node palette">
      <div className="pw-palette__search">
        <input
          type="search"
          placeholder="Search nodes"
          aria-label="Search nodes"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <div className="pw-palette__groups">
        {groups.map((group) => (
          <section key={group.category} className="pw-palette__group" aria-label={group.label}>
            <h3>{group.label}</h3>
            <ul>
              {group.definitions.map((definition) => (
                <PaletteItem
                  key={definition.type}
                  definition={definition}
                  onAdd={addAtCentre}
                  onShowDocs={setDocs}
                  describedBy={docs?.definition.type === definition.type ? 'palette-doc-card' : undefined}
                />
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="pw-palette__none">No node matches “{search}”.</p>}
      </div>
      {docs && <PaletteDocCard shown={docs} />}
      <p className="pw-palette__tip">Drag nodes onto the canvas, then connect an output (right) to an input (left).</p>
    </aside>
  );
}
