import { useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { autoLayoutAction } from '../actions/auto-layout';
import { exportAction } from '../actions/export-pipeline';
import { shortcutsHelpAction } from '../actions/shortcuts-help';
import { redoAction, undoAction } from '../actions/history';
import { runAction } from '../actions/run-pipeline';
import { saveAction } from '../actions/save-pipeline';
import { shortcutLabel, type StudioAction } from '../actions/studio-action';
import { selectIsDirty, useDocumentStore } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { isRunActive } from '../store/run-state';
import { useViewStore } from '../store/view-store';
import { SaveTemplateDialog } from '../panels/SaveTemplateDialog';
import { PermittedButton } from '../permissions/PermittedButton';
import type { Permission } from '../permissions/permissions';
import { routeHref } from '../routing';
import { ThemeToggle } from './ThemeToggle';

function titleOf(action: StudioAction): string {
  const shortcut = shortcutLabel(action);
  return shortcut ? `${action.label} (${shortcut})` : action.label;
}

/** A button that performs a studio action, its shortcut in the title; an icon button is labelled by the action. */
function ActionButton({
  action,
  variant = 'text',
  disabled = false,
  permission,
  children,
}: {
  action: StudioAction;
  variant?: 'text' | 'primary' | 'icon';
  disabled?: boolean;
  /** What the act takes: a role without it sees the button disabled, with the reason. */
  permission?: Permission;
  children?: ReactNode;
}) {
  const className = { text: 'pw-button', primary: 'pw-button pw-button--primary', icon: 'pw-icon-button' }[variant];
  const button = {
    className,
    'aria-label': variant === 'icon' ? action.label : undefined,
    title: titleOf(action),
    disabled,
    onClick: () => void action.perform(),
    children: children ?? action.label,
  };
  return permission ? <PermittedButton permission={permission} {...button} /> : <button type="button" {...button} />;
}

function StrokeIcon({ path }: { path: string }) {
  return (
    <svg
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      aria-hidden
    >
      <path d={path} />
    </svg>
  );
}

/** Name, save state and the document's actions, in the header above the canvas. */
export function EditorToolbar() {
  const { name, description, params, paramInfo, version, dirty, canUndo, canRedo, readOnly, pipelineId } =
    useDocumentStore(
      useShallow((state) => ({
        name: state.name,
        description: state.description,
        params: state.params,
        paramInfo: state.paramInfo,
        version: state.version,
        dirty: selectIsDirty(state),
        canUndo: state.past.length > 0,
        canRedo: state.future.length > 0,
        readOnly: state.readOnlyVersion !== null,
        pipelineId: state.pipelineId,
      })),
    );
  const setName = useDocumentStore((state) => state.setName);
  const busy = useViewStore((state) => state.busy);
  const running = useRunStore((state) => (state.run ? isRunActive(state.run.status) : false));
  const [savingTemplate, setSavingTemplate] = useState(false);

  return (
    <div className="pw-toolbar">
      <nav className="pw-breadcrumbs" aria-label="Breadcrumbs">
        <a href={routeHref({ page: 'pipelines' })}>Pipelines</a>
        <span aria-hidden>/</span>
        <input
          className="pw-name-input"
          aria-label="Pipeline name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          size={Math.min(48, Math.max(12, name.length + 1))}
        />
      </nav>
      <span className={`pw-save-state${dirty ? ' pw-save-state--dirty' : ''}`} data-testid="save-state">
        {version !== null && (
          <span className="pw-chip" data-testid="pipeline-version">
            v{version}
          </span>
        )}
        {busy === 'saving' ? 'Saving…' : dirty ? (version === null ? 'Not saved yet' : 'Unsaved changes') : 'Saved'}
      </span>
      <div className="pw-toolbar__actions">
        {pipelineId !== null && (
          <>
            <a className="pw-button" href={routeHref({ page: 'runs', pipelineId })}>
              Runs
            </a>
            <a className="pw-button" href={routeHref({ page: 'schedules', pipelineId })}>
              Schedules
            </a>
          </>
        )}
        <ActionButton action={undoAction} variant="icon" disabled={!canUndo}>
          <StrokeIcon path="M5 3 2 6l3 3M2 6h7a4 4 0 0 1 0 8H6" />
        </ActionButton>
        <ActionButton action={redoAction} variant="icon" disabled={!canRedo}>
          <StrokeIcon path="m11 3 3 3-3 3m3-3H7a4 4 0 0 0 0 8h3" />
        </ActionButton>
        <ActionButton action={autoLayoutAction} />
        <ActionButton action={shortcutsHelpAction} variant="icon">
          ?
        </ActionButton>
        <ThemeToggle />
        <ActionButton action={exportAction} />
        {pipelineId !== null && (
          <PermittedButton
            permission="edit-template"
            disabled={dirty || readOnly}
            title={
              dirty
                ? 'Save first: a template is made from the saved pipeline'
                : readOnly
                  ? 'An old version is shown: go back to the current one'
                  : 'Save this pipeline and its params as a reusable template'
            }
            onClick={() => setSavingTemplate(true)}
          >
            Save as template
          </PermittedButton>
        )}
        <ActionButton action={saveAction} permission="edit-pipeline" disabled={busy !== null || readOnly} />
        <ActionButton
          action={runAction}
          permission="run"
          variant="primary"
          disabled={busy !== null || running || readOnly}
        >
          <svg viewBox="0 0 16 16" width="12" height="12" fill="currentColor" aria-hidden>
            <path d="M4 2.5v11l9-5.5z" />
          </svg>
          {/* As wide running as not: starting a run moves nothing in the header (it is full at 1280 px). */}
          <span className="pw-steady-label">
            <span>{running ? 'Running…' : runAction.label}</span>
            <span className="pw-steady-label__room" aria-hidden>
              Running…
            </span>
          </span>
        </ActionButton>
      </div>
      {savingTemplate && pipelineId !== null && (
        <SaveTemplateDialog
          pipelineId={pipelineId}
          pipelineName={name}
          pipelineDescription={description}
          params={params}
          paramInfo={paramInfo}
          onClose={() => setSavingTemplate(false)}
        />
      )}
    </div>
  );
}
