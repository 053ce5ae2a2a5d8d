import { PIPELINE_PARAM_TYPES, type AnyNodeDescription, type PipelineParamType } from '@pipewright/nodes/descriptions';
import { useEffect, useRef, useState } from 'react';
import { useDocumentStore } from '../store/document-store';
import { Dialog } from './Dialog';
import type { ParamField } from './param-fields';
import {
  defaultText,
  fieldProblem,
  PARAM_TYPE_LABELS,
  paramNameProblem,
  parseDefault,
  typeForField,
} from './pipeline-param-types';

/** The node field a new param is made from, and bound to once made. */
export interface ParamOrigin {
  nodeId: string;
  definition: AnyNodeDescription;
  field: ParamField;
  /** The field's value now (its default when unset): the param's default to start with. */
  value: unknown;
}

const ANY_JSON = '';

/**
 * "New pipeline param": its name, type, default and description, each problem named under its field; made from a
 * node's field (then bound to it) or from the pipeline panel. Enter makes it, Escape leaves without a change.
 */
export function NewParamDialog({ origin, onClose }: { origin: ParamOrigin | null; onClose: () => void }) {
  const params = useDocumentStore((state) => state.params);
  const nodeParams = useDocumentStore((state) =>
    origin ? state.nodes.find((node) => node.id === origin.nodeId)?.data.params : undefined,
  );
  const startType = origin ? typeForField(origin.field, origin.value) : 'number';
  const [name, setName] = useState(origin?.field.name ?? '');
  const [type, setType] = useState<PipelineParamType | null>(startType);
  const [fallback, setFallback] = useState(() => defaultText(startType, origin?.value));
  const [description, setDescription] = useState('');
  const [tried, setTried] = useState(false);
  const nameField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // The name made from the field is selected, so typing replaces it.
    nameField.current?.select();
  }, []);

  const trimmedName = name.trim();
  const nameError = paramNameProblem(trimmedName, params);
  const parsed = parseDefault(type, fallback);
  const bound = origin ? { definition: origin.definition, field: origin.field, nodeParams: nodeParams ?? {} } : null;
  const mismatch = parsed.error === undefined ? fieldProblem(bound, params, type, parsed.value) : null;
  const typeError = mismatch?.type;
  const defaultError = parsed.error ?? mismatch?.value;
  const invalid = Boolean(nameError || typeError || defaultError);
  // An empty field is only a problem once the person has typed in it or tried to make the param.
  const showNameError = Boolean(nameError) && (tried || trimmedName !== '');
  const showDefaultError = Boolean(defaultError) && (tried || fallback.trim() !== '');

  const create = () => {
    setTried(true);
    if (invalid) return;
    useDocumentStore.getState().addPipelineParam(
      {
        name: trimmedName,
        value: parsed.value,
        info: { ...(type !== null && { type }), ...(description.trim() && { description: description.trim() }) },
      },
      origin ? { nodeId: origin.nodeId, name: origin.field.name } : undefined,
    );
    onClose();
  };

  const error = (id: string, message: string | undefined) =>
    message && (
      <p className="pw-field__error" id={id} role="alert" data-testid={id}>
        {message}
      </p>
    );

  return (
    <Dialog labelledBy="new-param-title" className="pw-new-param" onClose={onClose} initialFocus={nameField} portal>
      <header className="pw-dialog__head">
        <h2 id="new-param-title">New pipeline param</h2>
      </header>
      <form
        className="pw-form"
        aria-label="Pipeline param"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create();
        }}
      >
        {origin && (
          <p className="pw-muted">
            Binds <code>{origin.nodeId}</code>’s {origin.field.label.toLowerCase()} to it: a run or a template then sets
            it.
          </p>
        )}
        <div className="pw-field">
          <label className="pw-field__label" htmlFor="new-param-name">
            Name
          </label>
          <input
            ref={nameField}
            id="new-param-name"
            className="pw-input pw-input--mono"
            value={name}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={showNameError}
            aria-describedby={showNameError ? 'new-param-name-error' : undefined}
            onChange={(event) => setName(event.target.value)}
          />
          {showNameError && error('new-param-name-error', nameError ?? undefined)}
        </div>
        <div className="pw-form-row">
          <div className="pw-field">
            <label className="pw-field__label" htmlFor="new-param-type">
              Type
            </label>
            <select
              id="new-param-type"
              className="pw-input"
              value={type ?? ANY_JSON}
              aria-invalid={Boolean(typeError)}
              aria-describedby={typeError ? 'new-param-type-error' : undefined}
              onChange={(event) => {
                const next = event.target.value === ANY_JSON ? null : (event.target.value as PipelineParamType);
                setType(next);
                if (next === 'boolean' && fallback !== 'true' && fallback !== 'false') setFallback('false');
              }}
            >
              {PIPELINE_PARAM_TYPES.map((option) => (
                <option key={option} value={option}>
                  {PARAM_TYPE_LABELS[option]}
                </option>
              ))}
              <option value={ANY_JSON}>Any JSON value</option>
            </select>
            {error('new-param-type-error', typeError)}
          </div>
          <div className="pw-field">
            <label className="pw-field__label" htmlFor="new-param-default">
              Default
            </label>
            {type === 'boolean' ? (
              <select
                id="new-param-default"
                className="pw-input"
                value={fallback}
                onChange={(event) => setFallback(event.target.value)}
              >
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                id="new-param-default"
                className="pw-input pw-input--mono"
                value={fallback}
                spellCheck={false}
                autoComplete="off"
                placeholder={type === 'columns' ? 'a, b, c' : undefined}
                aria-invalid={showDefaultError}
                aria-describedby={showDefaultError ? 'new-param-default-error' : undefined}
                onChange={(event) => setFallback(event.target.value)}
              />
            )}
            {showDefaultError && error('new-param-default-error', defaultError)}
          </div>
        </div>
        <div className="pw-field">
          <label className="pw-field__label" htmlFor="new-param-description">
            Description
          </label>
          <input
            id="new-param-description"
            className="pw-input"
            value={description}
            maxLength={500}
            placeholder="What it is for: a template’s form shows it"
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <footer className="pw-dialog__foot">
          <button type="button" className="pw-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="pw-button pw-button--primary" aria-disabled={invalid}>
            {origin ? 'Make and bind' : 'Make param'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
