import { failedResponseError, requestJson, unreachableError } from './http';
import type { Page } from './pipelines';

export interface Dataset {
  id: string;
  name: string;
  /** What a source node's `path` param takes. */
  path: string;
  format: 'csv' | 'parquet';
  sizeBytes: number;
  createdAt: string;
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
export function uploadDataset(file: File, onProgress: (fraction: number) => void): Promise<Dataset> {
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
        resolve(body as Dataset);
        return;
      }
      reject(failedResponseError('POST', '/datasets', request.status, request.statusText, body));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

/** Forgets a dataset and removes its file: pipelines that read its path then fail validation. */
export function deleteDataset(id: string): Promise<void> {
  return requestJson('DELETE', `/datasets/${encodeURIComponent(id)}`);
}
