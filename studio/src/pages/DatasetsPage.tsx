import { useEffect, useState } from 'react';
import { deleteDataset, listDatasets, type Dataset } from '../api/datasets';
import { describeError } from '../api/http';
import { formatBytes, relativeTime } from '../canvas/format';
import { UploadButton, UploadLimit, UploadProgress, useDatasetUpload } from '../panels/dataset-upload';
import { AppHeader, SectionNav } from './AppHeader';
import { PermittedButton } from '../permissions/PermittedButton';

type Loaded = { state: 'loading' } | { state: 'ready'; items: Dataset[] } | { state: 'failed'; message: string };

/** The uploaded CSV and Parquet files: what a source node may read, by the path shown here. */
export function DatasetsPage() {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [uploadLimit, setUploadLimit] = useState<number | undefined>(undefined);
  const uploader = useDatasetUpload(uploadLimit, (dataset) =>
    setLoaded((current) =>
      current.state === 'ready' ? { state: 'ready', items: [dataset, ...current.items] } : current,
    ),
  );
  const { upload } = uploader;

  useEffect(() => {
    let live = true;
    listDatasets()
      .then((page) => {
        if (!live) return;
        setLoaded({ state: 'ready', items: page.items });
        setUploadLimit(page.uploadLimitBytes);
      })
      .catch((error: unknown) => live && setLoaded({ state: 'failed', message: describeError(error) }));
    return () => {
      live = false;
    };
  }, []);

  const onDelete = async (dataset: Dataset) => {
    if (!window.confirm(`Delete “${dataset.name}”? Pipelines that read ${dataset.path} will no longer run.`)) return;
    setDeleteError(null);
    try {
      await deleteDataset(dataset.id);
      setLoaded((current) =>
        current.state === 'ready'
          ? { state: 'ready', items: current.items.filter((item) => item.id !== dataset.id) }
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
      <main className="pw-page">
        <div className="pw-page__head">
          <div>
            <h1>Datasets</h1>
            <p className="pw-muted">
              Upload a CSV or Parquet file once; a source node reads it by the path shown here.
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
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {loaded.items.map((dataset) => (
                <tr key={dataset.id} data-testid={`dataset-${dataset.path}`}>
                  <td>{dataset.name}</td>
                  <td>{dataset.format === 'csv' ? 'CSV' : 'Parquet'}</td>
                  <td>{formatBytes(dataset.sizeBytes)}</td>
                  <td title={new Date(dataset.createdAt).toLocaleString()}>{relativeTime(dataset.createdAt)}</td>
                  <td>
                    <code>{dataset.path}</code>
                  </td>
                  <td className="pw-runs-table__actions">
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
              ))}
            </tbody>
          </table>
        )}
      </main>
    </div>
  );
}
