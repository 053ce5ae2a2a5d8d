import { useState, type ReactNode } from 'react';
import { listTemplates, type TemplateSummary } from '../api/templates';
import { PermittedButton } from '../permissions/PermittedButton';
import { UseTemplateDialog } from './UseTemplateDialog';
import { useFetched, type Fetched } from '../use-fetched';

/** The templates (the gallery's, or all), loaded once; `reload` after an import or a delete. */
export function useTemplates(): [Fetched<{ items: TemplateSummary[] }>, () => void] {
  const [templates, reload] = useFetched(() => listTemplates().then((page) => ({ items: page.items })), []);
  return [templates, reload];
}

/**
 * Template cards; "Use template" opens the form that makes a pipeline from
 * one. `actions` adds per-card buttons (export, delete) where a page offers them.
 */
export function TemplateCards({
  templates,
  label,
  actions,
}: {
  templates: TemplateSummary[];
  label: string;
  actions?: (template: TemplateSummary) => ReactNode;
}) {
  const [using, setUsing] = useState<string | null>(null);
  return (
    <>
      <ul className="pw-template-grid" aria-label={label}>
        {templates.map((template) => (
          <li key={template.id} className="pw-template-card" data-testid={`template-${template.name}`}>
            <div className="pw-template-card__head">
              <strong>{template.name}</strong>
              {template.category && <span className="pw-chip">{template.category}</span>}
            </div>
            <p className="pw-template-card__description" title={template.description}>
              {template.description}
            </p>
            <div className="pw-template-card__meta pw-muted">
              v{template.version} · {template.nodes} nodes
              {template.params.length > 0 && ` · ${template.params.length} parameters`}
            </div>
            <div className="pw-template-card__actions">
              {actions?.(template)}
              <PermittedButton
                permission="use-template"
                className="pw-button pw-button--small pw-button--primary"
                aria-label={`Use template ${template.name}`}
                onClick={() => setUsing(template.id)}
              >
                Use template
              </PermittedButton>
            </div>
          </li>
        ))}
      </ul>
      {using && <UseTemplateDialog templateId={using} onClose={() => setUsing(null)} />}
    </>
  );
}

/** The gallery, offered where a new user has no pipeline yet. */
export function TemplateGallery() {
  const [loaded] = useTemplates();
  if (loaded.state === 'loading') return <p className="pw-muted">Loading the gallery…</p>;
  if (loaded.state === 'failed') {
    return (
      <div className="pw-callout pw-callout--error" role="alert">
        Could not load the templates: {loaded.message}
      </div>
    );
  }
  const gallery = loaded.items.filter((template) => template.gallery);
  return <TemplateCards templates={gallery} label="Template gallery" />;
}
