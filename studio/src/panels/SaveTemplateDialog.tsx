import { TEMPLATE_PARAM_TYPES, type PipelineParamInfo, type TemplateParam } from '@pipewright/nodes/descriptions';
import { useState } from 'react';
import { describeError } from '../api/http';
import { Dialog } from './Dialog';
import { saveAsTemplate, templateExportUrl, type DeclaredParam, type TemplateDetail } from '../api/templates';
import { routeHref } from '../routing';

interface ParamDraft {
  include: boolean;
  /** '' lets the server work it out (a column when a node uses it as one, a dataset when a source reads it, …). */
  type: TemplateParam['type'] | '';
  default: string;
  description: string;
  /** Comma-separated; empty: any value of its type. */
  allowed: string;
}

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * "Save as template": the saved pipeline with the params a form will ask
 * for, each with its kind, default, description and allowed values. Saving
 * under a name the workspace has adds a version.
 */
export function SaveTemplateDialog({
  pipelineId,
  pipelineName,
  pipelineDescription,
  params,
  paramInfo,
  onClose,
}: {
  pipelineId: string;
  pipelineName: string;
  pipelineDescription?: string;
  params: Record<string, unknown>;
  /** What the params were said to be when made: the form starts from it. */
  paramInfo: Record<string, PipelineParamInfo>;
  onClose: () => void;
}) {
  const [name, setName] = useState(pipelineName);
  const [description, setDescription] = useState(pipelineDescription ?? '');
  const [category, setCategory] = useState('');
  const [drafts, setDrafts] = useState<Record<string, ParamDraft>>(() =>
    Object.fromEntries(
      Object.entries(params).map(([param, value]) => [
        param,
        {
          include: true,
          type: paramInfo[param]?.type ?? '',
          default: shown(value),
          description: paramInfo[param]?.description ?? '',
          allowed: '',
        },
      ]),
    ),
  );
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<TemplateDetail | null>(null);

  const edit = (param: string, change: Partial<ParamDraft>) =>
    setDrafts((current) => ({ ...current, [param]: { ...current[param], ...change } }));

  const save = async () => {
    setSaving(true);
    setError(null);
    const declared: DeclaredParam[] = Object.entries(drafts)
      .filter(([, draft]) => draft.include)
      .map(([param, draft]) => {
        const allowed = draft.allowed
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
          .map((part) => parseValue(part) as string | number | boolean);
        return {
          name: param,
          ...(draft.type ? { type: draft.type } : {}),
          ...(draft.default.trim() !== '' ? { default: parseValue(draft.default) } : {}),
          ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
          ...(allowed.length ? { allowed } : {}),
        };
      });
    try {
      setSaved(
        await saveAsTemplate(pipelineId, {
          name: name.trim(),
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(category.trim() ? { category: category.trim() } : {}),
          params: declared,
        }),
      );
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(false);
    }
  };

  const names = Object.keys(drafts);
  // Portalled: the toolbar it is opened from styles its contents for the dark header.
  return (
    <Dialog labelledBy="save-template-title" className="pw-dialog--wide" onClose={onClose} portal>
      <header className="pw-dialog__head">
        <h2 id="save-template-title">Save as template</h2>
      </header>
      {saved ? (
        <>
          <p role="status" data-testid="template-saved">
            Saved “{saved.name}” as version {saved.version}
            {saved.params.length > 0 && ` with ${saved.params.length} parameters`}.
          </p>
          <footer className="pw-dialog__foot">
            <a className="pw-button" href={templateExportUrl(saved.id, saved.version)} download>
              Export file
            </a>
            <a className="pw-button" href={routeHref({ page: 'templates' })}>
              Templates
            </a>
            <button type="button" className="pw-button pw-button--primary" onClick={onClose}>
              Done
            </button>
          </footer>
        </>
      ) : (
        <form
          className="pw-form"
          aria-label="Template"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <div className="pw-form-row">
            <div className="pw-field">
              <label className="pw-field__label" htmlFor="template-name">
                Name
              </label>
              <input
                id="template-name"
                className="pw-input"
                value={name}
                maxLength={200}
                onChange={(event) => setName(event.target.value)}
              />
              <p className="pw-field__help">A name this workspace has adds a version.</p>
            </div>
            <div className="pw-field">
              <label className="pw-field__label" htmlFor="template-category">
                Category
              </label>
              <input
                id="template-category"
                className="pw-input"
                value={category}
                placeholder="Classification, Regression, …"
                onChange={(event) => setCategory(event.target.value)}
              />
            </div>
          </div>
          <div className="pw-field">
            <label className="pw-field__label" htmlFor="template-description">
              Description
            </label>
            <textarea
              id="template-description"
              className="pw-input pw-textarea"
              rows={2}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          </div>
          {names.length === 0 ? (
            <p className="pw-muted">
              The pipeline has no params, so the template’s form will ask nothing. To let people change a value, bind a
              node’s param to a pipeline param first.
            </p>
          ) : (
            <table className="pw-runs-table" aria-label="Template parameters">
              <thead>
                <tr>
                  <th scope="col">Ask for</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Default</th>
                  <th scope="col">Description</th>
                  <th scope="col">Allowed values</th>
                </tr>
              </thead>
              <tbody>
                {names.map((param) => {
                  const draft = drafts[param];
                  return (
                    <tr key={param}>
                      <td>
                        <label>
                          <input
                            type="checkbox"
                            checked={draft.include}
                            onChange={(event) => edit(param, { include: event.target.checked })}
                          />{' '}
                          <code>{param}</code>
                        </label>
                      </td>
                      <td>
                        <select
                          className="pw-input pw-input--compact"
                          aria-label={`Kind of ${param}`}
                          value={draft.type}
                          disabled={!draft.include}
                          onChange={(event) => edit(param, { type: event.target.value as ParamDraft['type'] })}
                        >
                          <option value="">worked out</option>
                          {TEMPLATE_PARAM_TYPES.map((type) => (
                            <option key={type} value={type}>
                              {type}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          className="pw-input pw-input--compact"
                          aria-label={`Default of ${param}`}
                          value={draft.default}
                          disabled={!draft.include}
                          onChange={(event) => edit(param, { default: event.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          className="pw-input pw-input--compact"
                          aria-label={`Description of ${param}`}
                          value={draft.description}
                          maxLength={500}
                          disabled={!draft.include}
                          onChange={(event) => edit(param, { description: event.target.value })}
                        />
                      </td>
                      <td>
                        <input
                          className="pw-input pw-input--compact"
                          aria-label={`Allowed values of ${param}`}
                          placeholder="any"
                          value={draft.allowed}
                          disabled={!draft.include}
                          onChange={(event) => edit(param, { allowed: event.target.value })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          <p className="pw-field__help">
            A param a node uses as a column becomes a column picker, offering the columns of the pipeline’s last
            successful run.
          </p>
          {error && (
            <p className="pw-callout pw-callout--error" role="alert" data-testid="save-template-error">
              Could not save the template: {error}
            </p>
          )}
          <footer className="pw-dialog__foot">
            <button type="button" className="pw-button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="pw-button pw-button--primary" disabled={saving || name.trim() === ''}>
              {saving ? 'Saving…' : 'Save template'}
            </button>
          </footer>
        </form>
      )}
    </Dialog>
  );
}
