import { useRef, useState } from 'react';
import { describeError } from '../api/http';
import { deleteTemplate, importTemplate, templateExportUrl, type TemplateSummary } from '../api/templates';
import { relativeTime } from '../canvas/format';
import { TemplateCards, useTemplates } from '../panels/TemplateGallery';
import { PermittedButton } from '../permissions/PermittedButton';
import { AppHeader, SectionNav } from './AppHeader';

/** The gallery and the workspace's own templates: use one through its form, import, export, delete. */
export function TemplatesPage() {
  const [loaded, reload] = useTemplates();
  const [notice, setNotice] = useState<{ kind: 'error' | 'done'; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    setNotice(null);
    try {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      const template = await importTemplate(document);
      setNotice({ kind: 'done', text: `Imported “${template.name}” as version ${template.version}.` });
      reload();
    } catch (error) {
      setNotice({ kind: 'error', text: `Could not import ${file.name}: ${describeError(error)}` });
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const onDelete = async (template: TemplateSummary) => {
    if (!window.confirm(`Delete the template “${template.name}” and all its versions? Pipelines made from it stay.`))
      return;
    try {
      await deleteTemplate(template.id);
      reload();
    } catch (error) {
      setNotice({ kind: 'error', text: `Could not delete “${template.name}”: ${describeError(error)}` });
    }
  };

  const own = loaded.state === 'ready' ? loaded.items.filter((template) => !template.gallery) : [];
  const gallery = loaded.state === 'ready' ? loaded.items.filter((template) => template.gallery) : [];
  const exportLink = (template: TemplateSummary) => (
    <a
      className="pw-button pw-button--small"
      href={templateExportUrl(template.id, template.version)}
      download
      aria-label={`Export ${template.name}`}
    >
      Export
    </a>
  );

  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="templates" />
      </AppHeader>
      <main className="pw-page">
        <div className="pw-page__head">
          <div>
            <h1>Templates</h1>
            <p className="pw-muted">
              Start a pipeline from a template: fill in its form and it is ready to run on the data it names.
            </p>
          </div>
          <div className="pw-page__actions">
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Template file to import"
              onChange={(event) => void onImport(event.target.files?.[0])}
            />
            <PermittedButton permission="edit-template" onClick={() => fileInput.current?.click()}>
              Import template…
            </PermittedButton>
          </div>
        </div>
        {notice && (
          <div
            className={`pw-callout ${notice.kind === 'error' ? 'pw-callout--error' : ''} pw-page__notice`}
            role={notice.kind === 'error' ? 'alert' : 'status'}
          >
            {notice.text}
          </div>
        )}
        {loaded.state === 'loading' && <p className="pw-muted">Loading templates…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the templates: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && (
          <>
            <h2 className="pw-section-title">This workspace’s templates</h2>
            {own.length === 0 ? (
              <p className="pw-muted">
                None yet: in the editor, “Save as template” turns a pipeline and its parameters into one.
              </p>
            ) : (
              <TemplateCards
                templates={own}
                label="Workspace templates"
                actions={(template) => (
                  <>
                    <span className="pw-muted" title={new Date(template.updatedAt).toLocaleString()}>
                      updated {relativeTime(template.updatedAt)}
                    </span>
                    {exportLink(template)}
                    <PermittedButton
                      permission="edit-template"
                      className="pw-button pw-button--small pw-button--danger"
                      aria-label={`Delete ${template.name}`}
                      onClick={() => void onDelete(template)}
                    >
                      Delete
                    </PermittedButton>
                  </>
                )}
              />
            )}
            <h2 className="pw-section-title">Gallery</h2>
            <TemplateCards templates={gallery} label="Template gallery" actions={exportLink} />
          </>
        )}
      </main>
    </div>
  );
}
