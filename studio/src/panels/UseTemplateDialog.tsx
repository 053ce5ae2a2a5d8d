import { useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from '../api/http';
import { getTemplate, instantiateTemplate, type TemplateDetail } from '../api/templates';
import { navigate } from '../routing';
import { Dialog } from './Dialog';
import { startingValue, TemplateParamsForm, templateFormProblems } from './TemplateParamsForm';

type Loaded =
  { state: 'loading' } | { state: 'ready'; template: TemplateDetail } | { state: 'failed'; message: string };

/**
 * "Use this template": the form its declared params make, a name for the
 * new pipeline and which version of the template; Create makes the pipeline
 * (with the datasets and schedules the template comes with) and opens it.
 */
export function UseTemplateDialog({ templateId, onClose }: { templateId: string; onClose: () => void }) {
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const firstField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    getTemplate(templateId, version)
      .then((template) => {
        if (!live) return;
        setLoaded({ state: 'ready', template });
        setName(template.document.pipeline.name);
        setValues(
          Object.fromEntries(
            template.params.map((param) => [param.name, startingValue(param, template.document.pipeline.params)]),
          ),
        );
      })
      .catch((failure: unknown) => live && setLoaded({ state: 'failed', message: describeError(failure) }));
    return () => {
      live = false;
    };
  }, [templateId, version]);

  useEffect(() => {
    if (loaded.state === 'ready') firstField.current?.focus();
  }, [loaded.state]);

  const problems = useMemo(
    () => (loaded.state === 'ready' ? templateFormProblems(loaded.template.params, values) : {}),
    [loaded, values],
  );
  const invalid = Object.keys(problems).length > 0 || name.trim() === '';

  const create = async (template: TemplateDetail) => {
    setCreating(true);
    setError(null);
    try {
      const created = await instantiateTemplate(template.id, {
        params: values,
        name: name.trim(),
        version: template.version,
      });
      navigate({ page: 'editor', pipelineId: created.id });
    } catch (failure) {
      setError(describeError(failure));
      setCreating(false);
    }
  };

  return (
    <Dialog labelledBy="use-template-title" className="pw-template-dialog" onClose={onClose}>
      <header className="pw-dialog__head">
        <h2 id="use-template-title">
          {loaded.state === 'ready' ? `New pipeline from “${loaded.template.name}”` : 'New pipeline from a template'}
        </h2>
      </header>
      {loaded.state === 'loading' && <p className="pw-muted">Loading the template…</p>}
      {loaded.state === 'failed' && (
        <p className="pw-callout pw-callout--error" role="alert">
          Could not load the template: {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && (
        <form
          className="pw-form"
          aria-label="Template parameters"
          onSubmit={(event) => {
            event.preventDefault();
            if (!invalid && !creating) void create(loaded.template);
          }}
        >
          {loaded.template.description && <p className="pw-muted">{loaded.template.description}</p>}
          <div className="pw-field">
            <label className="pw-field__label" htmlFor="template-pipeline-name">
              Pipeline name
            </label>
            <input
              ref={firstField}
              id="template-pipeline-name"
              className="pw-input"
              value={name}
              maxLength={200}
              onChange={(event) => setName(event.target.value)}
            />
          </div>
          {loaded.template.versions.length > 1 && (
            <div className="pw-field">
              <label className="pw-field__label" htmlFor="template-version">
                Template version
              </label>
              <select
                id="template-version"
                className="pw-input"
                value={loaded.template.version}
                onChange={(event) => setVersion(Number(event.target.value))}
              >
                {loaded.template.versions.map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version} · {new Date(v.createdAt).toLocaleDateString()}
                  </option>
                ))}
              </select>
            </div>
          )}
          <TemplateParamsForm
            params={loaded.template.params}
            values={values}
            problems={problems}
            onChange={(param, value) => setValues((current) => ({ ...current, [param]: value }))}
          />
          {(loaded.template.document.datasets.length > 0 || loaded.template.document.schedules.length > 0) && (
            <p className="pw-field__help">
              Comes with{' '}
              {[
                loaded.template.document.datasets.length > 0 &&
                  'its dataset (made from data shipped with Pipewright where your workspace has none of that name)',
                loaded.template.document.schedules.length > 0 &&
                  `${loaded.template.document.schedules.length === 1 ? 'a schedule' : `${loaded.template.document.schedules.length} schedules`}`,
              ]
                .filter(Boolean)
                .join(' and ')}
              .
            </p>
          )}
          {error && (
            <p className="pw-callout pw-callout--error" role="alert" data-testid="instantiate-error">
              Could not create the pipeline: {error}
            </p>
          )}
          <footer className="pw-dialog__foot">
            <button type="button" className="pw-button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="pw-button pw-button--primary" disabled={invalid || creating}>
              {creating ? 'Creating…' : 'Create pipeline'}
            </button>
          </footer>
        </form>
      )}
    </Dialog>
  );
}
