import { useDocumentStore } from '../store/document-store';

/** The node's name on the canvas (its `label`) and free notes, both kept in the pipeline file. */
export function NodeTextFields({ nodeId, title }: { nodeId: string; title: string }) {
  const label = useDocumentStore((state) => state.nodes.find((node) => node.id === nodeId)?.data.label);
  const notes = useDocumentStore((state) => state.nodes.find((node) => node.id === nodeId)?.data.notes);
  const setNodeText = useDocumentStore((state) => state.setNodeText);
  return (
    <>
      <div className="pw-field">
        <label className="pw-field__label" htmlFor="node-label">
          Name
          <span className="pw-field__name">shown on the canvas</span>
        </label>
        <input
          id="node-label"
          className="pw-input"
          value={label ?? ''}
          placeholder={title}
          onChange={(event) => setNodeText(nodeId, 'label', event.target.value)}
        />
      </div>
      <div className="pw-field">
        <label className="pw-field__label" htmlFor="node-notes">
          Notes
          <span className="pw-field__name">saved with the pipeline</span>
        </label>
        <textarea
          id="node-notes"
          className="pw-input pw-textarea"
          rows={3}
          value={notes ?? ''}
          placeholder="Why this node is here, what to check…"
          onChange={(event) => setNodeText(nodeId, 'notes', event.target.value)}
        />
      </div>
    </>
  );
}
