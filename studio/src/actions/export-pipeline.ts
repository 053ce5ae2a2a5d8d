import { currentDocument } from '../store/document-store';
import { documentToPipeline } from '../store/pipeline-mapping';
import type { StudioAction } from './studio-action';

/** `Breast cancer — logistic regression` → `breast-cancer-logistic-regression.json`. */
export function exportFileName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'pipeline'}.json`;
}

/** Downloads the pipeline as its `pipewright/v1` file: what `pipewright run` and Import take. */
export function exportPipeline(): void {
  const file = documentToPipeline(currentDocument());
  const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(file.name);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export const exportAction: StudioAction = {
  id: 'export',
  label: 'Export',
  shortcut: { key: 'e', mod: true, shift: true },
  perform: exportPipeline,
};
