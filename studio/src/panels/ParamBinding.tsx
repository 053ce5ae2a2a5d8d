import { useDocumentStore } from '../store/document-store';

const NEW_PARAM = '\u0000new';

/**
 * Binds a node param to a pipeline param (`{ "$param": name }`), so a
 * template or a run can set it: pick an existing one, or make a new one
 * that starts with the field's current value.
 */
export function ParamBinding({
  nodeId,
  name,
  value,
  fallback,
}: {
  nodeId: string;
  name: string;
  value: unknown;
  fallback: unknown;
}) {
  const pipelineParams = useDocumentStore((state) => state.params);
  const onChange = (choice: string) => {
    const store = useDocumentStore.getState();
    if (!choice) return;
    if (choice === NEW_PARAM) {
      const wanted = window.prompt('Name of the new pipeline param', name)?.trim();
      if (!wanted) return;
      if (!(wanted in store.params)) store.setPipelineParam(wanted, value ?? fallback ?? null);
      store.setParam(nodeId, name, { $param: wanted });
      return;
    }
    store.setParam(nodeId, name, { $param: choice });
  };
  return (
    <select
      className="pw-param-binding"
      aria-label={`Bind ${name} to a pipeline param`}
      title="Bind to a pipeline param"
      value=""
      onChange={(event) => onChange(event.target.value)}
    >
      <option value="">$</option>
      {Object.keys(pipelineParams).map((param) => (
        <option key={param} value={param}>
          {param}
        </option>
      ))}
      <option value={NEW_PARAM}>New pipeline param…</option>
    </select>
  );
}
