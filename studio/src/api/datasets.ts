import type { ColumnInfo, SchemaChange } from '@pipewright/nodes';
import { failedResponseError, requestJson, unreachableError } from './http';
import type { Page } from './pipelines';

/** A named dataset, as the list shows it: its latest version's file and content. */
export interface Dataset {
  id: string;
  name: string;
  /** What a source node's `path` param takes (the latest version's file). */
  path: string;
  format: 'csv' | 'parquet';
  sizeBytes: number;
  /** The latest version, and how many are kept. */
  version: number;
  versions: number;
  rows: number | null;
  columns: ColumnInfo[] | null;
  /** How the latest version's columns differ from the version before it. */
  schemaChange?: SchemaChange;
  createdAt: string;
  updatedAt?: string;
}

/** One version of a named dataset (what an upload answers, too). */
export interface DatasetVersion {
  id: string;
  datasetId: string;
  name: string;
  version: number;
  path: string;
  format: 'csv' | 'parquet';
  sizeBytes: number;
  rows: number | null;
  columns: ColumnInfo[] | null;
  fingerprint: string | null;
  origin: string;
  fileName: string;
  createdAt: string;
  /** Against the version before it; absent when the columns are the same (or it is the first). */
  schemaChange?: SchemaChange;
}

export interface DatasetList extends Page<Dataset> {
  /** The largest file an upload may send (the server's PIPEWRIGHT_UPLOAD_LIMIT_MB). */
  uploadLimitBytes: number;
}

export function listDatasets(): Promise<DatasetList> {
  return requestJson('GET', '/datasets?limit=500');
}

/**
 * Uploads a CSV or Parquet file. XMLHttpRequest rather than fetch: it is
 * the one browser API that reports upload progress.
 */
export function uploadDataset(
  file: File,
  onProgress: (fraction: number) => void,
  /** The dataset it becomes the next version of (a new dataset named after the file when absent). */
  name?: string,
): Promise<DatasetVersion> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/datasets');
    request.responseType = 'json';
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(unreachableError());
    request.onload = () => {
      const body = request.response as unknown;
      if (request.status >= 200 && request.status < 300 && body) {
        onProgress(1);
        resolve(body as DatasetVersion);
        return;
      }
      reject(failedResponseError('POST', '/datasets', request.status, request.statusText, body));
    };
    const form = new FormData();
    if (name !== undefined) form.append('name', name);
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** Forgets a dataset and removes its file: pipelines that read its path then fail validation. */
export function deleteDataset(id: string): Promise<void> {
  return requestJson('DELETE', `/datasets/${encodeURIComponent(id)}`);
}

export function listDatasetVersions(name: string): Promise<Page<DatasetVersion>> {
  return requestJson('GET', `/datasets/${encodeURIComponent(name)}/versions?limit=500`);
}
