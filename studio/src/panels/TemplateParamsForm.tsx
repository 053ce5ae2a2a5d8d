import { templateValueProblem, type TemplateParam } from '@pipewright/nodes/descriptions';
import { listDatasets } from '../api/datasets';
import { useFetched } from '../use-fetched';

/** The value a declared param starts at in the form: its default, or the template pipeline's own value. */
export function startingValue(param: TemplateParam, pipelineParams: Record<string, unknown>): unknown {
  return param.default ?? pipelineParams[param.name];
}

/** Each declared param's problem with its value in the form (the same check the server makes). */
export function templateFormProblems(
  params: readonly TemplateParam[],
  values: Record<string, unknown>,
): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const param of params) {
    const problem = templateValueProblem(param, values[param.name]);
    if (problem) problems[param.name] = problem;
  }
  return problems;
}

const TYPE_HINT: Record<TemplateParam['type'], string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'text',
  boolean: 'yes or no',
  column: 'a column',
  columns: 'columns',
  dataset: 'a dataset',
};

/**
 * The form a template's declared params make: a select where the values
 * are fixed (allowed values, a column of the template's data, a dataset of
 * the workspace), checkboxes for several columns, a number field with its
 * bounds, a switch for yes/no.
 */
export function TemplateParamsForm({
  params,
  values,
  problems,
  onChange,
}: {
  params: readonly TemplateParam[];
  values: Record<string, unknown>;
  problems: Record<string, string>;
  onChange: (name: string, value: unknown) => void;
}) {
  const datasets = useDatasetNames(params.some((param) => param.type === 'dataset'));
  if (params.length === 0) return <p className="pw-muted">This template has no parameters: it runs as it is.</p>;
  return (
    <>
      {params.map((param) => {
        const id = `template-param-${param.name}`;
        const problem = problems[param.name];
        return (
          <div key={param.name} className={`pw-field${problem ? ' pw-field--invalid' : ''}`}>
            <label className="pw-field__label" htmlFor={id}>
              {param.name}
              <span className="pw-field__name">{TYPE_HINT[param.type]}</span>
            </label>
            <ParamInput
              id={id}
              param={param}
              value={values[param.name]}
              datasets={datasets}
              onChange={(value) => onChange(param.name, value)}
            />
            {problem ? (
              <p className="pw-field__error" role="alert" data-testid={`template-param-error-${param.name}`}>
                {problem}
              </p>
            ) : (
              param.description && <p className="pw-field__help">{param.description}</p>
            )}
          </div>
        );
      })}
    </>
  );
}

function ParamInput({
  id,
  param,
  value,
  datasets,
  onChange,
}: {
  id: string;
  param: TemplateParam;
  value: unknown;
  datasets: string[];
  onChange: (value: unknown) => void;
}) {
  const choices =
    param.allowed ??
    (param.type === 'column' ? param.columns : undefined) ??
    (param.type === 'dataset' && datasets.length ? [...new Set([String(value ?? ''), ...datasets])] : undefined);
  if (choices?.length) {
    return (
      <select
        id={id}
        className="pw-input"
        value={JSON.stringify(value ?? null)}
        onChange={(event) => onChange(JSON.parse(event.target.value) as unknown)}
      >
        {!choices.some((choice) => choice === value) && (
          <option value={JSON.stringify(value ?? null)}>Pick one…</option>
        )}
        {choices.map((choice) => (
          <option key={String(choice)} value={JSON.stringify(choice)}>
            {String(choice)}
          </option>
        ))}
      </select>
    );
  }
  if (param.type === 'columns' && param.columns?.length) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <div id={id} role="group" aria-label={param.name} className="pw-column-checks">
        {param.columns.map((column) => (
          <label key={column}>
            <input
              type="checkbox"
              checked={chosen.includes(column)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? param.columns!.filter((c) => c === column || chosen.includes(c))
                    : chosen.filter((c) => c !== column),
                )
              }
            />{' '}
            {column}
          </label>
        ))}
      </div>
    );
  }
  if (param.type === 'boolean') {
    return (
      <input id={id} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
    );
  }
  if (param.type === 'number' || param.type === 'integer') {
    return (
      <input
        id={id}
        className="pw-input"
        type="number"
        min={param.min}
        max={param.max}
        step={param.type === 'integer' ? 1 : 'any'}
        value={typeof value === 'number' ? value : String(value ?? '')}
        onChange={(event) => {
          const text = event.target.value;
          // Left as text when it is no number: the form then says what is wrong.
          onChange(text.trim() === '' || Number.isNaN(Number(text)) ? text : Number(text));
        }}
      />
    );
  }
  if (param.type === 'columns') {
    return (
      <input
        id={id}
        className="pw-input"
        value={Array.isArray(value) ? value.join(', ') : String(value ?? '')}
        placeholder="column, column, …"
        onChange={(event) =>
          onChange(
            event.target.value
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean),
          )
        }
      />
    );
  }
  return (
    <input
      id={id}
      className="pw-input"
      value={String(value ?? '')}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/** The names of the workspace's datasets, for a dataset param's select (loaded only when a param needs them). */
function useDatasetNames(needed: boolean): string[] {
  const [listed] = useFetched(
    needed ? () => listDatasets().then((page) => ({ names: page.items.map((dataset) => dataset.name) })) : null,
    [needed],
  );
  return listed.state === 'ready' ? listed.names : [];
}
