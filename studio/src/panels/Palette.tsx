import { memo, useCallback, useMemo, type DragEvent, type KeyboardEvent } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { AnyNodeDefinition } from '@pipewright/nodes';
import { paletteGroups } from '../catalog/node-catalog';
import { CategoryIcon } from '../canvas/CategoryIcon';
import { centredUnderPointer, freePosition, NODE_DRAG_TYPE } from '../canvas/node-placement';
import { useDocumentStore } from '../store/document-store';
import { useViewStore } from '../store/view-store';

/** Adds a node in the middle of what the canvas shows, clear of nodes already there. */
function useAddAtCentre() {
  const flow = useStoreApi();
  return useCallback(
    (definition: AnyNodeDefinition) => {
      const { width, height, transform } = flow.getState();
      const [x, y, zoom] = transform;
      const centre = { x: (width / 2 - x) / zoom, y: (height / 2 - y) / zoom };
      const taken = useDocumentStore.getState().nodes.map((node) => node.position);
      useDocumentStore.getState().addNode(definition, freePosition(centredUnderPointer(centre), taken));
    },
    [flow],
  );
}

const PaletteItem = memo(function PaletteItem({
  definition,
  onAdd,
}: {
  definition: AnyNodeDefinition;
  onAdd: (definition: AnyNodeDefinition) => void;
}) {
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
      title={definition.docs.summary}
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
                <PaletteItem key={definition.type} definition={definition} onAdd={addAtCentre} />
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="pw-palette__none">No node matches “{search}”.</p>}
      </div>
      <p className="pw-palette__tip">Drag nodes onto the canvas, then connect an output (right) to an input (left).</p>
    </aside>
  );
}
