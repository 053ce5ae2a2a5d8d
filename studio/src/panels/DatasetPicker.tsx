import { useEffect, useState } from 'react';
import { listDatasets, type Dataset } from '../api/datasets';
import { formatBytes } from '../canvas/format';
import { UploadButton, UploadLimit, UploadProgress, useDatasetUpload } from './dataset-upload';

/**
 * Under a source node's `path`: pick an uploaded dataset, or upload one
 * (with a progress bar); the chosen dataset's path goes into the param.
 */
export function DatasetPicker({ path, onPick }: { path: unknown; onPick: (path: string) => void }) {
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [uploadLimit, setUploadLimit] = useState<number | undefined>(undefined);
  const uploader = useDatasetUpload(uploadLimit, (dataset) => {
    setDatasets((current) => [dataset, ...current.filter((other) => other.id !== dataset.id)]);
    onPick(dataset.path);
  });
  const { upload } = uploader;

  useEffect(() => {
    let live = true;
    listDatasets()
      .then((page) => {
        if (!live) return;
        setDatasets(page.items);
        setUploadLimit(page.uploadLimitBytes);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

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
        <UploadButton uploader={uploader} variant="small" />
      </div>
      <UploadLimit limitBytes={uploadLimit} />
      <UploadProgress upload={upload} />
      {upload.state === 'failed' && (
        <p className="pw-field__error" role="alert" data-testid="upload-error">
          Could not upload: {upload.message}
        </p>
      )}
    </div>
  );
}
