import { createPipeline, updatePipeline, type StoredPipeline } from '../api/pipelines';
import { ApiError, describeError } from '../api/http';
import { currentDocument, useDocumentStore } from '../store/document-store';
import { documentToPipeline } from '../store/pipeline-mapping';
import { useValidationStore } from '../store/validation-store';
import { useViewStore } from '../store/view-store';
import { navigate } from '../routing';
import { permissionNow } from '../permissions/permissions';
import type { StudioAction } from './studio-action';

/** Saves the document as a new version (the first save creates the pipeline). Answers null when it failed. */
export async function savePipeline(options: { quiet?: boolean } = {}): Promise<StoredPipeline | null> {
  const view = useViewStore.getState();
  const verdict = permissionNow('edit-pipeline');
  if (!verdict.allowed) {
    view.showNotice({ tone: 'warning', title: 'You cannot save this pipeline', message: verdict.reason });
    return null;
  }
  const { pipelineId, editRevision, contentRevision } = useDocumentStore.getState();
  const file = documentToPipeline(currentDocument());
  view.setBusy('saving');
  try {
    const stored = pipelineId === null ? await createPipeline(file) : await updatePipeline(pipelineId, file);
    useDocumentStore.getState().markSaved(stored, editRevision);
    if (pipelineId === null) navigate({ page: 'editor', pipelineId: stored.id }, { replace: true });
    if (!options.quiet) view.showNotice({ tone: 'success', title: `Saved version ${stored.version}` });
    void useValidationStore
      .getState()
      .check(file, contentRevision)
      .catch(() => undefined);
    return stored;
  } catch (error) {
    view.showNotice({
      tone: 'error',
      title: 'Could not save the pipeline',
      message: describeError(error),
      nodeId: error instanceof ApiError ? error.nodeId : undefined,
    });
    return null;
  } finally {
    view.setBusy(null);
  }
}

export const saveAction: StudioAction = {
  id: 'save',
  label: 'Save',
  shortcut: { key: 's', mod: true },
  perform: () => savePipeline().then(() => undefined),
};
