import { describeSchemaChange } from '@pipewright/nodes/descriptions';
import { listDatasets, listDatasetVersions, type Dataset, type DatasetVersion } from '../api/datasets';
import { formatBytes } from '../canvas/format';
import { UploadButton, UploadLimit, UploadProgress, useDatasetUpload } from './dataset-upload';
import { useFetched } from '../use-fetched';

/**
 * Under a source node's `path`: pick an uploaded dataset, or upload one
 * (with a progress bar); the chosen dataset's path goes into the param.
 */
export function DatasetPicker({ path, onPick }: { path: unknown; onPick: (path: string) => void }) {
  const [listed, reload] = useFetched(() => listDatasets(), []);
  const datasets: Dataset[] = listed.state === 'ready' ? listed.items : [];
  const uploadLimit = listed.state === 'ready' ? listed.uploadLimitBytes : undefined;
  const uploader = useDatasetUpload(uploadLimit, (version) => {
    reload();
    onPick(version.path);
  });
  const { upload } = uploader;

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

/**
 * Under a source node's `dataset`: pick a named dataset of the workspace
 * (its latest version when the run starts) or pin one of its versions. The
 * chosen version's schema change against the version before is shown here,
 * before anything runs on it.
 */
export function NamedDatasetPicker({
  dataset,
  version,
  onPick,
}: {
  dataset: unknown;
  version: unknown;
  onPick: (choice: { dataset: string; version: number | undefined }) => void;
}) {
  const name = typeof dataset === 'string' ? dataset : '';
  const [listed] = useFetched(() => listDatasets(), []);
  const datasets: Dataset[] = listed.state === 'ready' ? listed.items : [];
  const [versionsOfName] = useFetched(name ? () => listDatasetVersions(name) : null, [name]);
  const versions: DatasetVersion[] = name && versionsOfName.state === 'ready' ? versionsOfName.items : [];

  const pinned = typeof version === 'number' ? version : undefined;
  const shown = pinned === undefined ? versions[0] : versions.find((v) => v.version === pinned);
  return (
    <div className="pw-dataset-picker" data-testid="named-dataset-picker">
      <div className="pw-dataset-picker__row">
        <select
          className="pw-input"
          aria-label="Workspace dataset"
          value={datasets.some((d) => d.name === name) ? name : ''}
          onChange={(event) => event.target.value && onPick({ dataset: event.target.value, version: undefined })}
        >
          <option value="">{datasets.length ? 'Pick a dataset…' : 'No dataset uploaded yet'}</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.name}>
              {d.name} (v{d.version})
            </option>
          ))}
        </select>
        {versions.length > 0 && (
          <select
            className="pw-input"
            aria-label="Dataset version"
            value={pinned === undefined ? 'latest' : String(pinned)}
            onChange={(event) =>
              onPick({
                dataset: name,
                version: event.target.value === 'latest' ? undefined : Number(event.target.value),
              })
            }
          >
            <option value="latest">latest (now v{versions[0].version})</option>
            {versions.map((v) => (
              <option key={v.id} value={v.version}>
                v{v.version} only
              </option>
            ))}
          </select>
        )}
      </div>
      {shown && (
        <p className="pw-field__help" data-testid="named-dataset-version">
          v{shown.version}: {shown.rows === null ? '' : `${shown.rows} rows, `}
          {shown.columns?.length ?? 0} columns
        </p>
      )}
      {shown?.schemaChange && (
        <p className="pw-schema-change" role="status" data-testid="named-dataset-schema-change">
          Columns changed from v{shown.schemaChange.since} to v{shown.version}:{' '}
          {describeSchemaChange(shown.schemaChange)}
        </p>
      )}
    </div>
  );
}
