import { useEffect } from 'react';
import { CANVAS_ONLY_ACTIONS } from '../actions/editor-actions';
import { matchesShortcut, type StudioAction } from '../actions/studio-action';
import { currentDocument, selectIsDirty, useDocumentStore } from '../store/document-store';
import { documentToPipeline } from '../store/pipeline-mapping';
import { useValidationStore } from '../store/validation-store';

const VALIDATE_AFTER_MS = 500;

/** Asks the server to validate the document shortly after each change that can alter the answer. */
export function useLiveValidation(enabled: boolean): void {
  const revision = useDocumentStore((state) => state.contentRevision);
  const hasNodes = useDocumentStore((state) => state.nodes.length > 0);
  useEffect(() => {
    if (!enabled) return;
    if (!hasNodes) {
      useValidationStore.getState().clear();
      return;
    }
    const timer = setTimeout(() => {
      void useValidationStore
        .getState()
        .check(documentToPipeline(currentDocument()), revision)
        .catch(() => undefined);
    }, VALIDATE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [enabled, revision, hasNodes]);
}

function isEditable(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Binds the actions' shortcuts; undo, copy and the like leave text fields to their own. */
export function useActionShortcuts(actions: StudioAction[]): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = actions.find((candidate) => matchesShortcut(candidate, event));
      if (!action) return;
      if (CANVAS_ONLY_ACTIONS.has(action.id) && isEditable(event.target)) return;
      event.preventDefault();
      void action.perform();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [actions]);
}

/** The browser (or, for links inside the studio, the studio) asks before leaving a pipeline with unsaved changes. */
export function useUnsavedChangesWarning(): void {
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const state = useDocumentStore.getState();
      if (state.nodes.length > 0 && selectIsDirty(state)) event.preventDefault();
    };
    // Links inside the studio change only the hash, which beforeunload does not see: ask on the click.
    const onClick = (event: MouseEvent) => {
      const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
      if (!link || link.getAttribute('href') === window.location.hash) return;
      const state = useDocumentStore.getState();
      if (state.nodes.length === 0 || !selectIsDirty(state)) return;
      if (!window.confirm('This pipeline has unsaved changes. Leave without saving?')) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, []);
}
