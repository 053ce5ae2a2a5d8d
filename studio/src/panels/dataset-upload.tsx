import { useRef, useState } from 'react';
import { uploadDataset, type DatasetVersion } from '../api/datasets';
import { describeError } from '../api/http';
import { formatBytes, formatLimit } from '../canvas/format';
import { PermittedButton } from '../permissions/PermittedButton';

export type DatasetUpload =
  | { state: 'idle' }
  | { state: 'sending'; name: string; fraction: number }
  | { state: 'failed'; name: string; message: string };

/**
 * Uploads the file a hidden file input picked, tracking its progress; `onUploaded` gets the new
 * dataset. A file over `limitBytes` (the server's, once known) is refused at once, unsent. The
 * input is cleared afterwards, so picking the same file again uploads it again.
 */
export function useDatasetUpload(
  limitBytes: number | undefined,
  onUploaded: (version: DatasetVersion) => void,
  /** Uploads become the next version of this dataset (a new dataset named after the file when absent). */
  datasetName?: string,
) {
  const [upload, setUpload] = useState<DatasetUpload>({ state: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      if (limitBytes !== undefined && file.size > limitBytes) {
        setUpload({ state: 'failed', name: file.name, message: overLimitMessage(file.size, limitBytes) });
        return;
      }
      setUpload({ state: 'sending', name: file.name, fraction: 0 });
      const dataset = await uploadDataset(
        file,
        (fraction) => setUpload({ state: 'sending', name: file.name, fraction }),
        datasetName,
      );
      setUpload({ state: 'idle' });
      onUploaded(dataset);
    } catch (error) {
      setUpload({ state: 'failed', name: file.name, message: describeError(error) });
    } finally {
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  return { upload, fileInput, onFile };
}

export type DatasetUploader = ReturnType<typeof useDatasetUpload>;

/** The Upload… button and the hidden file input it opens; `variant` is the button's look. */
export function UploadButton({
  uploader: { upload, fileInput, onFile },
  variant,
}: {
  uploader: DatasetUploader;
  variant: 'primary' | 'small';
}) {
  return (
    <>
      <input
        ref={fileInput}
        type="file"
        accept=".csv,.tsv,.txt,.parquet,text/csv"
        hidden
        aria-label="Dataset file to upload"
        data-testid="dataset-file"
        onChange={(event) => void onFile(event.target.files?.[0])}
      />
      <PermittedButton
        permission="upload-dataset"
        className={`pw-button pw-button--${variant}`}
        disabled={upload.state === 'sending'}
        onClick={() => fileInput.current?.click()}
      >
        Upload…
      </PermittedButton>
    </>
  );
}

function overLimitMessage(size: number, limitBytes: number): string {
  return `the file (${formatBytes(size)}) is larger than the upload limit of ${formatLimit(limitBytes)}`;
}

/** What an upload may be, shown beside the Upload button before a file is picked. */
export function UploadLimit({ limitBytes }: { limitBytes: number | undefined }) {
  return (
    <span className="pw-upload-limit" data-testid="upload-limit">
      CSV or Parquet{limitBytes === undefined ? '' : `, up to ${formatLimit(limitBytes)}`}
    </span>
  );
}

/** The progress bar of an upload under way; nothing otherwise. */
export function UploadProgress({ upload, className = '' }: { upload: DatasetUpload; className?: string }) {
  if (upload.state !== 'sending') return null;
  return (
    <div className={`pw-upload ${className}`.trim()} data-testid="upload-progress">
      <span>Uploading {upload.name}</span>
      <progress max={1} value={upload.fraction} aria-label={`Uploading ${upload.name}`} />
      <span>{Math.round(upload.fraction * 100)}%</span>
    </div>
  );
}
