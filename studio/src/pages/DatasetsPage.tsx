import { describeSchemaChange } from '@pipewright/nodes/descriptions';
import { Fragment, useCallback, useState } from 'react';
import { deleteDataset, listDatasets, listDatasetVersions, type Dataset, type DatasetVersion } from '../api/datasets';
import { describeError } from '../api/http';
import { formatBytes, formatCount, relativeTime } from '../canvas/format';
import { UploadButton, UploadLimit, UploadProgress, useDatasetUpload } from '../panels/dataset-upload';
import { AppHeader, SectionNav } from './AppHeader';
import { PermittedButton } from '../permissions/PermittedButton';
import { useFetched } from '../use-fetched';

/** What an upload answered, kept on screen: a schema change is seen before anything runs on the new version. */
interface Uploaded {
  version: DatasetVersion;
}

/**
 * The named datasets of the workspace: an upload under an existing name
 * adds a version (rows, schema and fingerprint kept), a schema change
 * against the version before is shown, and each dataset's versions can be
 * listed. A source node reads a dataset by name (the latest) or a pinned version.
 */
export function DatasetsPage() {
  const [loaded, reload, setLoaded] = useFetched(() => listDatasets(), []);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const uploadLimit = loaded.state === 'ready' ? loaded.uploadLimitBytes : undefined;
  const [uploaded, setUploaded] = useState<Uploaded | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  const onUploaded = useCallback(
    (version: DatasetVersion) => {
      setUploaded({ version });
      reload();
    },
    [reload],
  );
  const uploader = useDatasetUpload(uploadLimit, onUploaded);
  const { upload } = uploader;

  const onDelete = async (dataset: Dataset) => {
    const versions = dataset.versions > 1 ? ` and its ${dataset.versions} versions` : '';
    if (!window.confirm(`Delete “${dataset.name}”${versions}? Pipelines that read it will no longer run.`)) return;
    setDeleteError(null);
    try {
      await deleteDataset(dataset.id);
      setLoaded((current) =>
        current.state === 'ready'
          ? { ...current, items: current.items.filter((item) => item.id !== dataset.id) }
          : current,
      );
    } catch (error) {
      setDeleteError(`Could not delete “${dataset.name}”: ${describeError(error)}`);
    }
  };

  return (
    <div className="pw-app">
      <AppHeader>
        <SectionNav current="datasets" />
      </AppHeader>
      <main className="pw-page pw-page--wide">
        <div className="pw-page__head">
          <div>
            <h1>Datasets</h1>
            <p className="pw-muted">
              Upload a CSV or Parquet file; uploading again under the same name adds a version. A source node reads a
              dataset by name (its latest version) or pins a version.
            </p>
          </div>
          <div className="pw-page__actions">
            <UploadLimit limitBytes={uploadLimit} />
            <UploadButton uploader={uploader} variant="primary" />
          </div>
        </div>
        <UploadProgress upload={upload} className="pw-page__notice" />
        {upload.state === 'failed' && (
          <div className="pw-callout pw-callout--error pw-page__notice" role="alert" data-testid="upload-error">
            Could not upload {upload.name}: {upload.message}
          </div>
        )}
        {uploaded && <UploadedNotice version={uploaded.version} onClose={() => setUploaded(null)} />}
        {deleteError && (
          <div className="pw-callout pw-callout--error pw-page__notice" role="alert">
            {deleteError}
          </div>
        )}
        {loaded.state === 'loading' && <p className="pw-muted">Loading datasets…</p>}
        {loaded.state === 'failed' && (
          <div className="pw-callout pw-callout--error" role="alert">
            Could not load the datasets: {loaded.message}
          </div>
        )}
        {loaded.state === 'ready' && loaded.items.length === 0 && (
          <div className="pw-empty">
            <strong>No datasets yet</strong>
            <span>Upload a CSV or Parquet file to read it in a pipeline.</span>
          </div>
        )}
        {loaded.state === 'ready' && loaded.items.length > 0 && (
          <table className="pw-runs-table" aria-label="Datasets">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Format</th>
                <th scope="col">Size</th>
                <th scope="col">Uploaded</th>
                <th scope="col">Path for a source node</th>
                <th scope="col">Latest</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {loaded.items.map((dataset) => (
                <Fragment key={dataset.id}>
                  <tr data-testid={`dataset-${dataset.path}`}>
                    <td>{dataset.name}</td>
                    <td>{dataset.format === 'csv' ? 'CSV' : 'Parquet'}</td>
                    <td>{formatBytes(dataset.sizeBytes)}</td>
                    <td title={new Date(dataset.updatedAt ?? dataset.createdAt).toLocaleString()}>
                      {relativeTime(dataset.updatedAt ?? dataset.createdAt)}
                    </td>
                    <td>
                      <code>{dataset.path}</code>
                    </td>
                    <td data-testid="dataset-latest">
                      v{dataset.version}
                      {dataset.rows !== null && ` · ${formatCount(dataset.rows)} rows`}
                      {dataset.schemaChange && (
                        <p className="pw-schema-change" data-testid="dataset-schema-change">
                          Columns changed since v{dataset.schemaChange.since}:{' '}
                          {describeSchemaChange(dataset.schemaChange)}
                        </p>
                      )}
                    </td>
                    <td className="pw-runs-table__actions">
                      <button
                        type="button"
                        className="pw-button pw-button--small"
                        aria-expanded={open === dataset.id}
                        aria-label={`Versions of ${dataset.name}`}
                        onClick={() => setOpen(open === dataset.id ? null : dataset.id)}
                      >
                        Versions ({dataset.versions})
                      </button>
                      <NewVersionButton dataset={dataset} limitBytes={uploadLimit} onUploaded={onUploaded} />
                      <PermittedButton
                        permission="delete-dataset"
                        className="pw-button pw-button--small pw-button--danger"
                        aria-label={`Delete ${dataset.name}`}
                        onClick={() => void onDelete(dataset)}
                      >
                        Delete
                      </PermittedButton>
                    </td>
                  </tr>
                  {open === dataset.id && (
                    <tr>
                      <td colSpan={7}>
                        <VersionList name={dataset.name} latest={dataset.version} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}

function UploadedNotice({ version, onClose }: { version: DatasetVersion; onClose: () => void }) {
  const change = version.schemaChange;
  return (
    <div
      className={`pw-callout ${change ? 'pw-callout--warning' : ''} pw-page__notice`}
      role="status"
      data-testid="upload-result"
    >
      {version.version === 1 ? `Added “${version.name}”` : `Added version ${version.version} of “${version.name}”`}
      {version.rows !== null && ` (${formatCount(version.rows)} rows, ${version.columns?.length ?? 0} columns)`}.
      {change ? (
        <>
          {' '}
          <strong>Its columns differ from v{change.since}:</strong> {describeSchemaChange(change)}. Pipelines that read
          “{version.name}” without a pinned version will read these columns on their next run.
        </>
      ) : (
        version.version > 1 && ' Same columns as the version before.'
      )}{' '}
      <button type="button" className="pw-button pw-button--small" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}

/** Uploads a file as the next version of `dataset`. */
function NewVersionButton({
  dataset,
  limitBytes,
  onUploaded,
}: {
  dataset: Dataset;
  limitBytes: number | undefined;
  onUploaded: (version: DatasetVersion) => void;
}) {
  const { upload, fileInput, onFile } = useDatasetUpload(limitBytes, onUploaded, dataset.name);
  return (
    <>
      <input
        ref={fileInput}
        type="file"
        accept=".csv,.tsv,.txt,.parquet,text/csv"
        hidden
        aria-label={`File for a new version of ${dataset.name}`}
        onChange={(event) => void onFile(event.target.files?.[0])}
      />
      <PermittedButton
        permission="upload-dataset"
        className="pw-button pw-button--small"
        aria-label={`Upload a new version of ${dataset.name}`}
        disabled={upload.state === 'sending'}
        onClick={() => fileInput.current?.click()}
      >
        {upload.state === 'sending' ? `${Math.round(upload.fraction * 100)} %` : 'New version…'}
      </PermittedButton>
      {upload.state === 'failed' && (
        <p className="pw-field__error" role="alert">
          Could not upload {upload.name}: {upload.message}
        </p>
      )}
    </>
  );
}

function VersionList({ name, latest }: { name: string; latest: number }) {
  const [listed] = useFetched(
    () => listDatasetVersions(name).then((page) => ({ versions: page.items })),
    [name, latest],
  );
  if (listed.state === 'failed')
    return <p className="pw-field__error">Could not load the versions: {listed.message}</p>;
  if (listed.state === 'loading') return <p className="pw-muted">Loading the versions…</p>;
  const versions: DatasetVersion[] = listed.versions;
  return (
    <table className="pw-runs-table" aria-label={`Versions of ${name}`}>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Rows</th>
          <th scope="col">Schema</th>
          <th scope="col">Fingerprint</th>
          <th scope="col">From</th>
          <th scope="col">Added</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((version) => (
          <tr key={version.id} data-testid={`dataset-version-${version.version}`}>
            <td>v{version.version}</td>
            <td>{version.rows === null ? '—' : formatCount(version.rows)}</td>
            <td>
              <span title={(version.columns ?? []).map((c) => `${c.name}: ${c.type}`).join('\n')}>
                {version.columns?.length ?? 0} columns
              </span>
              {version.schemaChange && (
                <p className="pw-schema-change">
                  vs v{version.schemaChange.since}: {describeSchemaChange(version.schemaChange)}
                </p>
              )}
            </td>
            <td>
              <code title={version.fingerprint ?? undefined}>{version.fingerprint?.slice(0, 12) ?? '—'}</code>
            </td>
            <td>{version.origin === 'rows' ? 'rows posted' : version.fileName}</td>
            <td title={new Date(version.createdAt).toLocaleString()}>{new Date(version.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
