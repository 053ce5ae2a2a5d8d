import { useRef, useState } from 'react';
import { deletePipeline, listPipelines, renamePipeline, type PipelineSummary } from '../api/pipelines';
import { describeError } from '../api/http';
import { relativeTime } from '../canvas/format';
import { TemplateGallery } from '../panels/TemplateGallery';
import { navigate, routeHref } from '../routing';
import { AppHeader, SectionNav } from './AppHeader';
import { PermittedButton } from '../permissions/PermittedButton';
import { usePermission } from '../permissions/permissions';
import { useFetched } from '../use-fetched';

/** Every saved pipeline, newest first; one click opens one in the editor. */
export function PipelinesPage() {
  const [loaded, , setLoaded] = useFetched(
    () =>
      listPipelines().then((page) => ({
        items: [...page.items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)),
        total: page.total,
      })),
    [],
  );
  const [importError, setImportError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; draft: string; error: string | null } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const mayCreate = usePermission('edit-pipeline');

  const onRename = async (pipeline: PipelineSummary, name: string) => {
    if (!name || name === pipeline.name) {
      setRenaming(null);
      return;
    }
    try {
      const stored = await renamePipeline(pipeline.id, name);
      setLoaded((current) =>
        current.state === 'ready'
          ? {
              ...current,
              items: current.items.map((item) =>
                item.id === pipeline.id
                  ? { ...item, name: stored.name, version: stored.version, updatedAt: stored.updatedAt }
                  : item,
              ),
            }
          : current,
      );
      setRenaming(null);
    } catch (error) {
      setRenaming({ id: pipeline.id, draft: name, error: describeError(error) });
    }
  };

  const onImport = async (file: File | undefined) => {
    if (!file) return;
    setImportError(null);
    try {
      // Checking the file needs the catalog's schemas: loaded on use, the list stays light.
      const { importPipelineFile } = await import('../actions/import-pipeline');
      const stored = await importPipelineFile(file);
      navigate({ page: 'editor', pipelineId: stored.id });
    } catch (error) {
      setImportError(describeError(error));
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const onDelete = async (pipeline: PipelineSummary) => {
    if (!window.confirm(`Delete “${pipeline.name}” and all its versions?`)) return;
    try {
      await deletePipeline(pipeline.id);
      setLoaded((current) =>
        current.state === 'ready'
          ? {
              ...current,
              items: current.items.filter((item) => item.id !== pipeline.id),
              total: current.total - 1,
            }
          : current,
      );
    } catch (error) {
      window.alert(`Could not delete “${pipeline.name}”: ${describeError(error)}`);
    }
  };

  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="pipelines" />
      </AppHeader>
      <main className="pw-page">
        <div className="pw-page__head">
          <div>
            <h1>Pipelines</h1>
            <p className="pw-muted">
              Build a pipeline on the canvas, run it, and watch every node go from queued to done.
            </p>
          </div>
          <div className="pw-page__actions">
            <input
              ref={fileInput}
              type="file"
              accept="application/json,.json"
              hidden
              aria-label="Pipeline file to import"
              onChange={(event) => void onImport(event.target.files?.[0])}
            />
            <PermittedButton permission="edit-pipeline" onClick={() => fileInput.current?.click()}>
              Import file…
            </PermittedButton>
            <a className="pw-button" href={routeHref({ page: 'templates' })} data-testid="new-from-template">
              New from template
            </a>
            {mayCreate.allowed ? (
              <a
                className="pw-button pw-button--primary"
                href={routeHref({ page: 'editor', pipelineId: null })}
                data-testid="new-pipeline"
              >
                New pipeline
              </a>
            ) : (
              <PermittedButton permission="edit-pipeline" className="pw-button pw-button--primary">
                New pipeline
              </PermittedButton>
            )}
          </div>
        </div>
        {importError && (
          <div className="pw-callout pw-callout--error pw-page__notice" role="alert">
            Could not import: {importError}
          </div>
        )}
        {loaded.state === 'loading' && <p className="pw-muted">Loading pipelines…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the pipelines: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && loaded.items.length === 0 && (
          <>
            <div className="pw-empty">
              <strong>No pipelines yet</strong>
              <span>
                Start from a template below (each runs on data shipped with Pipewright), or create an empty one and drag
                a data source onto the canvas.
              </span>
            </div>
            <TemplateGallery />
          </>
        )}
        {loaded.state === 'ready' && loaded.items.length > 0 && (
          <ul className="pw-pipeline-list" aria-label="Pipelines">
            {loaded.items.map((pipeline) => (
              <li key={pipeline.id} className="pw-pipeline-list__item">
                {renaming?.id === pipeline.id ? (
                  <form
                    className="pw-pipeline-rename"
                    aria-label={`Rename ${pipeline.name}`}
                    onSubmit={(event) => {
                      event.preventDefault();
                      void onRename(pipeline, renaming.draft.trim());
                    }}
                  >
                    <input
                      className="pw-input"
                      aria-label="New name"
                      value={renaming.draft}
                      maxLength={200}
                      autoFocus
                      onChange={(event) => setRenaming({ ...renaming, draft: event.target.value, error: null })}
                      onKeyDown={(event) => event.key === 'Escape' && setRenaming(null)}
                    />
                    <button type="submit" className="pw-button pw-button--small pw-button--primary">
                      Save
                    </button>
                    <button type="button" className="pw-button pw-button--small" onClick={() => setRenaming(null)}>
                      Cancel
                    </button>
                    {renaming.error && (
                      <p className="pw-field__error" role="alert">
                        Could not rename: {renaming.error}
                      </p>
                    )}
                  </form>
                ) : (
                  <a
                    className="pw-pipeline-card"
                    href={routeHref({ page: 'editor', pipelineId: pipeline.id })}
                    data-testid={`pipeline-${pipeline.id}`}
                  >
                    <div className="pw-pipeline-card__main">
                      <strong className="pw-pipeline-card__name">{pipeline.name}</strong>
                      {pipeline.description && (
                        <span className="pw-pipeline-card__description">{pipeline.description}</span>
                      )}
                    </div>
                    <div className="pw-pipeline-card__meta">
                      <span className="pw-chip">v{pipeline.version}</span>
                      <span>updated {relativeTime(pipeline.updatedAt)}</span>
                      <span className="pw-pipeline-card__open">Open →</span>
                    </div>
                  </a>
                )}
                <PermittedButton
                  permission="edit-pipeline"
                  className="pw-button pw-button--small"
                  aria-label={`Rename ${pipeline.name}`}
                  hidden={renaming?.id === pipeline.id}
                  onClick={() => setRenaming({ id: pipeline.id, draft: pipeline.name, error: null })}
                >
                  Rename
                </PermittedButton>
                <PermittedButton
                  permission="delete-pipeline"
                  className="pw-button pw-button--small pw-button--danger"
                  aria-label={`Delete ${pipeline.name}`}
                  onClick={() => void onDelete(pipeline)}
                >
                  Delete
                </PermittedButton>
              </li>
            ))}
          </ul>
        )}
        {loaded.state === 'ready' && loaded.total > loaded.items.length && (
          <p className="pw-muted">
            Showing {loaded.items.length} of {loaded.total}.
          </p>
        )}
      </main>
    </div>
  );
}
