import {
  getPipeline,
  getPipelineVersion,
  listPipelineVersions,
  updatePipeline,
  type PipelineVersionSummary,
} from '../api/pipelines';
import { describeError } from '../api/http';
import { relativeTime } from '../canvas/format';
import { useDocumentStore } from '../store/document-store';
import { showNewestRun } from '../store/run-store';
import { useViewStore } from '../store/view-store';
import { useFetched } from '../use-fetched';

/** Opens an old version read-only on the canvas, with its own newest run (none when it never ran). */
export async function openVersion(pipelineId: string, version: number): Promise<void> {
  try {
    useDocumentStore.getState().loadPipeline(await getPipelineVersion(pipelineId, version), { readOnly: true });
    showNewestRun(pipelineId, version);
  } catch (error) {
    useViewStore
      .getState()
      .showNotice({ tone: 'error', title: `Could not open version ${version}`, message: describeError(error) });
  }
}

/** Back to the newest version, editable. */
export async function openLatest(pipelineId: string): Promise<void> {
  try {
    useDocumentStore.getState().loadPipeline(await getPipeline(pipelineId));
    showNewestRun(pipelineId);
  } catch (error) {
    useViewStore
      .getState()
      .showNotice({ tone: 'error', title: 'Could not open the pipeline', message: describeError(error) });
  }
}

/** Saves the version on the canvas as the newest one: restoring never loses the versions in between. */
export async function restoreVersion(pipelineId: string): Promise<void> {
  const { readOnlyVersion, name, description, params, paramInfo, nodes, edges } = useDocumentStore.getState();
  if (readOnlyVersion === null) return;
  const { documentToPipeline } = await import('../store/pipeline-mapping');
  try {
    const stored = await updatePipeline(
      pipelineId,
      documentToPipeline({ name, description, params, paramInfo, nodes, edges }),
    );
    useDocumentStore.getState().loadPipeline(stored);
    showNewestRun(pipelineId);
    useViewStore
      .getState()
      .showNotice({ tone: 'success', title: `Restored version ${readOnlyVersion} as version ${stored.version}` });
  } catch (error) {
    useViewStore.getState().showNotice({ tone: 'error', title: 'Could not restore', message: describeError(error) });
  }
}

/** The pipeline's saved versions, newest first: open one to look at it, then restore it if wanted. */
export function VersionHistory() {
  const pipelineId = useDocumentStore((state) => state.pipelineId);
  const version = useDocumentStore((state) => state.version);
  const [listed] = useFetched(
    pipelineId === null
      ? null
      : () =>
          listPipelineVersions(pipelineId).then((page) => ({
            versions: [...page.items].sort((a, b) => b.version - a.version),
          })),
    [pipelineId, version],
  );
  const versions: PipelineVersionSummary[] = listed.state === 'ready' ? listed.versions : [];
  if (pipelineId === null || versions.length === 0) return null;
  return (
    <section className="pw-inspector__section" aria-label="Version history" data-testid="version-history">
      <h3>Versions</h3>
      <ol className="pw-versions">
        {versions.map((entry) => (
          <li key={entry.version}>
            <span className="pw-chip">v{entry.version}</span>
            <span className="pw-muted">{relativeTime(entry.createdAt)}</span>
            {entry.version === version ? (
              <span className="pw-muted">on the canvas</span>
            ) : (
              <button
                type="button"
                className="pw-button pw-button--small"
                onClick={() => void openVersion(pipelineId, entry.version)}
              >
                Open
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
