import { useDocumentStore } from '../store/document-store';
import { openLatest, restoreVersion } from '../panels/VersionHistory';

/** Over the canvas while an old version is open: it is read-only until restored or left. */
export function ReadOnlyBanner() {
  const readOnlyVersion = useDocumentStore((state) => state.readOnlyVersion);
  const pipelineId = useDocumentStore((state) => state.pipelineId);
  if (readOnlyVersion === null || pipelineId === null) return null;
  return (
    <div className="pw-callout pw-callout--warning pw-readonly" role="status" data-testid="read-only-banner">
      Version {readOnlyVersion}, read-only.
      <button type="button" className="pw-button pw-button--small" onClick={() => void restoreVersion(pipelineId)}>
        Restore this version
      </button>
      <button type="button" className="pw-button pw-button--small" onClick={() => void openLatest(pipelineId)}>
        Back to the latest
      </button>
    </div>
  );
}
