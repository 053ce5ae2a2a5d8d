import { splitTypeVersion } from '@pipewright/nodes/descriptions';
import { newRunKeyPair } from '../api/key-reveals';
import { startRun } from '../api/runs';
import { ApiError, describeError } from '../api/http';
import { describeIssue } from '../store/issue-text';
import { currentDocument, selectIsDirty, useDocumentStore } from '../store/document-store';
import { documentToPipeline } from '../store/pipeline-mapping';
import { useKeyRevealStore } from '../store/key-reveal-store';
import { useRunStore } from '../store/run-store';
import { useValidationStore } from '../store/validation-store';
import { useViewStore } from '../store/view-store';
import { permissionNow } from '../permissions/permissions';
import { savePipeline } from './save-pipeline';
import type { StudioAction } from './studio-action';

/**
 * Checks the pipeline, then saves what changed, starts a run and follows it
 * live. A pipeline with problems is refused before anything is saved: a
 * refused run leaves no version (or new pipeline) behind.
 */
export async function runPipeline(): Promise<void> {
  const view = useViewStore.getState();
  if (view.busy) return;
  // The shortcut reaches here too: a role that may not run is told why, as the disabled button says.
  const verdict = permissionNow('run');
  if (!verdict.allowed) {
    view.showNotice({ tone: 'warning', title: 'You cannot run this pipeline', message: verdict.reason });
    return;
  }
  view.setBusy('starting-run');
  try {
    const { contentRevision } = useDocumentStore.getState();
    const issues = await useValidationStore.getState().check(documentToPipeline(currentDocument()), contentRevision);
    if (issues.length) {
      const first = issues[0];
      view.showNotice({
        tone: 'error',
        title: issues.length === 1 ? 'Fix this problem before running' : `Fix ${issues.length} problems before running`,
        message: describeIssue(first),
        nodeId: first.nodeId,
      });
      if (first.nodeId) useDocumentStore.getState().selectNode(first.nodeId);
      return;
    }
  } catch (error) {
    view.showNotice({ tone: 'error', title: 'Could not check the pipeline', message: describeError(error) });
    return;
  } finally {
    view.setBusy(null);
  }
  let pipelineId = useDocumentStore.getState().pipelineId;
  if (selectIsDirty(useDocumentStore.getState())) {
    const stored = await savePipeline({ quiet: true });
    if (!stored) return;
    pipelineId = stored.id;
  }
  if (pipelineId === null) return;
  view.setBusy('starting-run');
  try {
    // A deployment the run creates shows its API key to this tab only: encrypted to a key pair made here.
    const keyPair = deploysOnSuccess() ? await newRunKeyPair() : undefined;
    const run = await startRun(pipelineId, { keyRecipient: keyPair?.recipient });
    if (keyPair) useKeyRevealStore.getState().expect(run.id, keyPair);
    // The charts' code loads now, so a loss curve draws from its first epoch rather than after the chunk arrives.
    void import('../charts/RunCharts');
    // The run bar reports from here on; an earlier "Saved" would only sit over the canvas.
    if (useViewStore.getState().notice?.tone === 'success') view.dismissNotice();
    useRunStore.getState().follow(run.id);
  } catch (error) {
    view.showNotice({
      tone: 'error',
      title: 'Could not start the run',
      message: describeError(error),
      nodeId: error instanceof ApiError ? error.nodeId : undefined,
    });
  } finally {
    view.setBusy(null);
  }
}

/** Whether the pipeline has a deploy.service node that publishes when the run succeeds. */
function deploysOnSuccess(): boolean {
  return currentDocument().nodes.some(
    (node) => splitTypeVersion(node.data.type).type === 'deploy.service' && node.data.params.autoDeploy !== false,
  );
}

export const runAction: StudioAction = {
  id: 'run',
  label: 'Run',
  shortcut: { key: 'Enter', mod: true },
  perform: runPipeline,
};
