import { useShallow } from 'zustand/react/shallow';
import { useDocumentStore } from '../store/document-store';
import { useRunStore } from '../store/run-store';
import { openLatest, restoreVersion } from '../panels/VersionHistory';

/** Which run of the open version the canvas shows: its newest, or none because it never ran. */
function useVersionRunText(version: number): string | null {
  const { runId, status, shownVersion, shownLoaded } = useRunStore(
    useShallow((state) => ({
      runId: state.run?.runId,
      status: state.run?.status,
      shownVersion: state.shownVersion,
      shownLoaded: state.shownLoaded,
    })),
  );
  if (shownVersion !== version || !shownLoaded) return null;
  if (!runId) return 'It was never run, so no run results are shown.';
  return `Showing its last run ${runId.slice(0, 8)} (${status}).`;
}

/** Over the canvas while an old version is open: it is read-only until restored or left. */
export function ReadOnlyBanner() {
  const readOnlyVersion = useDocumentStore((state) => state.readOnlyVersion);
  const pipelineId = useDocumentStore((state) => state.pipelineId);
  const runText = useVersionRunText(readOnlyVersion ?? -1);
  if (readOnlyVersion === null || pipelineId === null) return null;
  return (
    <div className="pw-callout pw-callout--warning pw-readonly" role="status" data-testid="read-only-banner">
      <span>
        Version {readOnlyVersion}, read-only.
        {runText && <> {runText}</>}
      </span>
      <button type="button" className="pw-button pw-button--small" onClick={() => void restoreVersion(pipelineId)}>
        Restore this version
      </button>
      <button type="button" className="pw-button pw-button--small" onClick={() => void openLatest(pipelineId)}>
        Back to the latest
      </button>
    </div>
  );
}
