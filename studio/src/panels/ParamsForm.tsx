import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { isParamRef, type AnyNodeDescription } from '@pipewright/nodes/descriptions';
import { useDocumentStore } from '../store/document-store';
import { DatasetPicker, NamedDatasetPicker } from './DatasetPicker';
import { ParamBinding } from './ParamBinding';
import { ColumnPicker } from './ColumnPicker';
import { useUpstreamColumns } from './upstream-columns';
import {
  describeBounds,
  formatList,
  paramErrors,
  paramFields,
  parseNumberList,
  parseScalar,
  parseTextList,
  type ParamField,
} from './param-fields';

/**
 * A text input that keeps what the user typed (`0.`, `a, `) while handing
 * the parsed value up, and follows the value when it changes elsewhere (undo).
 */
function DraftInput({
  id,
  testId,
  value,
  format,
  parse,
  onCommit,
  placeholder,
  invalid,
  inputMode,
}: {
  id: string;
  testId: string;
  value: unknown;
  format: (value: unknown) => string;
  parse: (text: string) => unknown;
  onCommit: (value: unknown) => void;
  placeholder?: string;
  invalid: boolean;
  inputMode?: 'decimal' | 'numeric' | 'text';
}) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    setText((current) => (JSON.stringify(parse(current)) === JSON.stringify(value) ? current : format(value)));
  }, [value, format, parse]);
  return (
    <input
      id={id}
      className="pw-input"
      value={text}
      placeholder={placeholder}
      inputMode={inputMode}
      aria-invalid={invalid}
      data-testid={testId}
      onChange={(event) => {
        setText(event.target.value);
        onCommit(parse(event.target.value));
      }}
    />
  );
}

const formatText = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const parseText = (text: string) => (text === '' ? undefined : text);
const parseNumber = (text: string) =>
  text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
const formatJson = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
const parseJson = (text: string) => {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};
const formatDefault = (value: unknown) =>
  Array.isArray(value)
    ? formatList(value)
    : value === undefined
      ? undefined
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

function FieldControl({
  field,
  inputId,
  value,
  invalid,
  onCommit,
}: {
  field: ParamField;
  inputId: string;
  value: unknown;
  invalid: boolean;
  onCommit: (value: unknown) => void;
}) {
  const placeholder = formatDefault(field.defaultValue);
  // What the text-like kinds share; they differ in how a value is written, read back and hinted.
  const draft = { id: inputId, testId: `param-${field.name}`, value, onCommit, invalid };
  switch (field.kind) {
    case 'boolean':
      return (
        <label className="pw-switch">
          <input
            id={inputId}
            type="checkbox"
            data-testid={`param-${field.name}`}
            checked={Boolean(value ?? field.defaultValue ?? false)}
            onChange={(event) => onCommit(event.target.checked)}
          />
          <span className="pw-switch__track" aria-hidden />
          <span>{(value ?? field.defaultValue) ? 'Yes' : 'No'}</span>
        </label>
      );
    case 'enum': {
      const current = value ?? field.defaultValue;
      return (
        <select
          id={inputId}
          className="pw-input"
          data-testid={`param-${field.name}`}
          aria-invalid={invalid}
          value={typeof current === 'string' ? current : ''}
          onChange={(event) => onCommit(event.target.value === '' ? undefined : event.target.value)}
        >
          {field.defaultValue === undefined && <option value="">—</option>}
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    }
    case 'number':
      return (
        <DraftInput
          {...draft}
          format={formatText}
          parse={parseNumber}
          placeholder={placeholder}
          inputMode={field.integer ? 'numeric' : 'decimal'}
        />
      );
    case 'text-list':
      return (
        <DraftInput
          {...draft}
          format={formatList}
          parse={parseTextList}
          placeholder={placeholder || 'comma, separated'}
        />
      );
    case 'number-list':
      return (
        <DraftInput {...draft} format={formatList} parse={parseNumberList} placeholder={placeholder || '1, 2, 3'} />
      );
    case 'scalar':
      return <DraftInput {...draft} format={formatText} parse={parseScalar} placeholder={placeholder} />;
    case 'json':
      return <DraftInput {...draft} format={formatJson} parse={parseJson} placeholder={placeholder ?? 'JSON'} />;
    case 'text':
      return <DraftInput {...draft} format={formatText} parse={parseText} placeholder={placeholder} />;
  }
}

function FieldRow({
  field,
  inputId,
  error,
  hint,
  binding,
  children,
}: {
  binding?: ReactNode;
  field: ParamField;
  inputId: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div className={`pw-field${error ? ' pw-field--invalid' : ''}`}>
      <label htmlFor={inputId} className="pw-field__label">
        {field.label}
        {field.required && (
          <span className="pw-field__required" title="required">
            {' '}
            *
          </span>
        )}
        <code className="pw-field__name">{field.name}</code>
      </label>
      {binding}
      {children}
      {error ? (
        <p className="pw-field__error" role="alert" data-testid={`param-error-${field.name}`}>
          {error}
        </p>
      ) : (
        (field.description || hint) && (
          <p className="pw-field__help">{[field.description, hint].filter(Boolean).join(' · ')}</p>
        )
      )}
    </div>
  );
}

/** The params form of one node, generated from its JSON Schema and checked by its zod schema as the user types. */
export function ParamsForm({
  nodeId,
  definition,
  params,
}: {
  nodeId: string;
  definition: AnyNodeDescription;
  params: Record<string, unknown>;
}) {
  const pipelineParams = useDocumentStore((state) => state.params);
  const setParam = useDocumentStore((state) => state.setParam);
  const readOnly = useDocumentStore((state) => state.readOnlyVersion !== null);
  const columns = useUpstreamColumns(nodeId);
  const fields = useMemo(() => paramFields(definition), [definition]);
  const errors = useMemo(() => paramErrors(definition, params, pipelineParams), [definition, params, pipelineParams]);

  if (fields.length === 0) return <p className="pw-muted">This node has no parameters.</p>;
  return (
    <form className="pw-form" onSubmit={(event) => event.preventDefault()} aria-label={`Parameters of ${nodeId}`}>
      <fieldset className="pw-fieldset" disabled={readOnly}>
        {errors[''] && (
          <p className="pw-field__error" role="alert">
            {errors['']}
          </p>
        )}
        {fields.map((field) => {
          const inputId = `param__${nodeId}__${field.name}`;
          const value = params[field.name];
          if (isParamRef(value)) {
            return (
              <FieldRow key={field.name} field={field} inputId={inputId} error={errors[field.name]}>
                <div className="pw-param-ref" id={inputId}>
                  <span>
                    from pipeline param <code>{value.$param}</code>
                    {value.$param in pipelineParams && <> = {formatDefault(pipelineParams[value.$param])}</>}
                  </span>
                  <button
                    type="button"
                    className="pw-button pw-button--small"
                    onClick={() => setParam(nodeId, field.name, pipelineParams[value.$param])}
                  >
                    Set here
                  </button>
                </div>
              </FieldRow>
            );
          }
          return (
            <FieldRow
              key={field.name}
              field={field}
              inputId={inputId}
              error={errors[field.name]}
              hint={field.kind === 'number' ? describeBounds(field) : undefined}
              binding={
                readOnly ? undefined : (
                  <ParamBinding nodeId={nodeId} definition={definition} field={field} value={value} />
                )
              }
            >
              {field.columns ? (
                <ColumnPicker
                  id={inputId}
                  testId={`param-${field.name}`}
                  columns={columns}
                  multiple={field.columns === 'many'}
                  value={value}
                  invalid={Boolean(errors[field.name])}
                  placeholder={formatDefault(field.defaultValue) || undefined}
                  onChange={(next) => setParam(nodeId, field.name, next)}
                />
              ) : (
                <FieldControl
                  field={field}
                  inputId={inputId}
                  value={value}
                  invalid={Boolean(errors[field.name])}
                  onCommit={(next) => setParam(nodeId, field.name, next)}
                />
              )}
              {definition.category === 'source' && field.name === 'path' && (
                <DatasetPicker path={value} onPick={(path) => setParam(nodeId, field.name, path)} />
              )}
              {definition.category === 'source' && field.name === 'dataset' && (
                <NamedDatasetPicker
                  dataset={value}
                  version={params.version}
                  onPick={(choice) => {
                    setParam(nodeId, 'path', undefined);
                    setParam(nodeId, 'dataset', choice.dataset);
                    setParam(nodeId, 'version', choice.version);
                  }}
                />
              )}
            </FieldRow>
          );
        })}
      </fieldset>
    </form>
  );
}
