import { useEffect, useRef, useState } from 'react';
import { formatBytes, listDatasets, uploadDataset, type Dataset } from '../api/datasets';
import { describeError } from '../api/http';

type Upload =
  { state: 'idle' } | { state: 'sending'; name: string; fraction: number } | { state: 'failed'; message: string };

/**
 * Under a source node's `path`: pick an uploaded dataset, or upload one
 * (with a progress bar); the chosen dataset's path goes into the param.
 */
export function DatasetPicker({ path, onPick }: { path: unknown; onPick: (path: string) => void }) {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [upload, setUpload] = useState<Upload>({ state: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    listDatasets()
      .then((page) => live && setDatasets(page.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUpload({ state: 'sending', name: file.name, fraction: 0 });
    try {
      const dataset = await uploadDataset(file, (fraction) =>
        setUpload({ state: 'sending', name: file.name, fraction }),
      );
      setDatasets((current) => [dataset, ...current.filter((other) => other.id !== dataset.id)]);
      setUpload({ state: 'idle' });
      onPick(dataset.path);
    } catch (error) {
      setUpload({ state: 'failed', message: describeError(error) });
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const chosen = datasets.find((dataset) => dataset.path === path);
  return (
    <div className="pw-dataset-picker" data-testid="dataset-picker">
      <div className="pw-dataset-picker__row">
        <select
          className="pw-input"
          aria-label="Uploaded dataset"
          data-testid="dataset-select"
          value={chosen?.path ?? ''}
          onChange={(event) => event.target.value && onPick(event.target.value)}
        >
          <option value="">{datasets.length ? 'Pick a dataset…' : 'No dataset uploaded yet'}</option>
          {datasets.map((dataset) => (
            <option key={dataset.id} value={dataset.path}>
              {dataset.name} ({formatBytes(dataset.sizeBytes)})
            </option>
          ))}
        </select>
        <input
          ref={fileInput}
          type="file"
          accept=".csv,.tsv,.txt,.parquet,text/csv"
          hidden
          aria-label="Dataset file to upload"
          data-testid="dataset-file"
          onChange={(event) => void onFile(event.target.files?.[0])}
        />
        <button
          type="button"
          className="pw-button pw-button--small"
          disabled={upload.state === 'sending'}
          onClick={() => fileInput.current?.click()}
        >
          Upload…
        </button>
      </div>
      {upload.state === 'sending' && (
        <div className="pw-upload" data-testid="upload-progress">
          <span>Uploading {upload.name}</span>
          <progress max={1} value={upload.fraction} aria-label={`Uploading ${upload.name}`} />
          <span>{Math.round(upload.fraction * 100)}%</span>
        </div>
      )}
      {upload.state === 'failed' && (
        <p className="pw-field__error" role="alert" data-testid="upload-error">
          Could not upload: {upload.message}
        </p>
      )}
    </div>
  );
}
