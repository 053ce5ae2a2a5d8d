import type { DatasetList, DatasetSummary, DatasetVersionSummary, Page } from '@pipewright/nodes/contracts';
import { failedResponseError, requestJson, unreachableError } from './http';

/** A named dataset, as the list shows it: its latest version's file and content (the API contract's). */
export type Dataset = DatasetSummary;
/** One version of a named dataset (what an upload answers, too). */
export type DatasetVersion = DatasetVersionSummary;
export type { DatasetList };

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
