import { useState } from 'react';
import { useDocumentStore } from '../store/document-store';

/** A number, true/false, or JSON reads as such; anything else is text. */
export function readParamText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** A pipeline param's value, which every node bound to it with `{ "$param": name }` takes in the next run. */
export function PipelineParamField({ name, value }: { name: string; value: unknown }) {
  const setPipelineParam = useDocumentStore((state) => state.setPipelineParam);
  const [draft, setDraft] = useState(() => shown(value));
  // Undo, redo or another field changed the value: show it, unless the draft already reads as it.
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (shown(readParamText(draft)) !== shown(value)) setDraft(shown(value));
  }
  return (
    <input
      className="pw-input pw-input--mono pw-input--compact"
      aria-label={`Pipeline param ${name}`}
      value={draft}
      spellCheck={false}
      onChange={(event) => {
        setDraft(event.target.value);
        setPipelineParam(name, readParamText(event.target.value));
      }}
    />
  );
}
