import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AnyNodeDescription } from '@pipewright/nodes/descriptions';
import { useDocumentStore } from '../store/document-store';
import { NewParamDialog } from './NewParamDialog';
import type { ParamField } from './param-fields';
import { bindableParams } from './pipeline-param-types';

const NEW_PARAM = '\u0000new';

/**
 * Binds a node param to a pipeline param (`{ "$param": name }`), so a
 * template or a run can set it: pick an existing one the field can take,
 * or make a new one (a dialog) that starts with the field's current value.
 */
export function ParamBinding({
  nodeId,
  definition,
  field,
  value,
}: {
  nodeId: string;
  definition: AnyNodeDescription;
  field: ParamField;
  value: unknown;
}) {
  const [making, setMaking] = useState(false);
  const bindable = useDocumentStore(
    useShallow((state) => {
      const node = state.nodes.find((candidate) => candidate.id === nodeId);
      return bindableParams(definition, field, node?.data.params ?? {}, state.params, state.paramInfo);
    }),
  );
  const onChange = (choice: string) => {
    if (!choice) return;
    if (choice === NEW_PARAM) setMaking(true);
    else useDocumentStore.getState().setParam(nodeId, field.name, { $param: choice });
  };
  return (
    <>
      <select
        className="pw-param-binding"
        aria-label={`Bind ${field.name} to a pipeline param`}
        title="Bind to a pipeline param"
        value=""
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">$</option>
        {bindable.map((param) => (
          <option key={param} value={param}>
            {param}
          </option>
        ))}
        <option value={NEW_PARAM}>New pipeline param…</option>
      </select>
      {making && (
        <NewParamDialog
          origin={{ nodeId, definition, field, value: value ?? field.defaultValue }}
          onClose={() => setMaking(false)}
        />
      )}
    </>
  );
}
