import { z } from 'zod';
import {
  datasetNameSchema,
  datasetVersionSchema,
  describeSchemaChange,
  NodeError,
  type NodeContext,
  type StagedDataset,
} from '../core/index.js';

/** The params by which a file source finds its data: a file `path`, or a named `dataset` (and a pinned `version`). */
export const sourceDataParams = {
  path: z.string().min(1).optional(),
  dataset: datasetNameSchema.optional(),
  version: datasetVersionSchema.optional(),
};

export const sourceDataDocs = {
  path: 'A file: a path relative to the data directories (or the pipeline file’s folder when run by the CLI). Give this or `dataset`.',
  dataset:
    'A named dataset of the workspace (uploaded on the Datasets page or `POST /api/datasets`): its latest version when the run starts, unless `version` pins one.',
  version: 'Pins a version of `dataset` (1, 2, …); empty: the latest when the run starts.',
};

/** Exactly one of `path` and `dataset`; `version` only beside a dataset. */
export function requireOneSource(p: { path?: string; dataset?: string; version?: number }, ctx: z.RefinementCtx): void {
  if (p.path !== undefined && p.dataset !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['dataset'], message: 'give a file path or a dataset, not both' });
  } else if (p.path === undefined && p.dataset === undefined) {
    ctx.addIssue({ code: 'custom', path: ['path'], message: 'give a file path or a dataset name' });
  }
  if (p.version !== undefined && p.dataset === undefined) {
    ctx.addIssue({ code: 'custom', path: ['version'], message: 'a version pins a dataset: name the dataset too' });
  }
}

/** The data a source node reads, staged in its job: the SQL path, what to call it in logs, and the dataset version. */
export interface StagedSource {
  file: string;
  shown: string;
  dataset?: StagedDataset;
}

/**
 * Stages the file or dataset version a source node's params name, checking
 * that a dataset's files are in the `format` this node reads; a version whose
 * columns changed since the one before is logged as a warning.
 */
export async function stageSourceData(
  ctx: NodeContext,
  p: { path?: string; dataset?: string; version?: number },
  format: StagedDataset['format'],
): Promise<StagedSource> {
  if (p.dataset === undefined) {
    if (p.path === undefined) throw new NodeError('give a file path or a dataset name', { param: 'path' });
    return { file: await ctx.artifacts.stageFile(p.path, 'path'), shown: p.path };
  }
  const dataset = await ctx.artifacts.stageDataset(p.dataset, p.version, 'dataset');
  if (dataset.format !== format) {
    const reader = dataset.format === 'csv' ? 'a CSV file node (source.csv)' : 'a Parquet file node (source.parquet)';
    throw new NodeError(
      `dataset "${dataset.name}" holds ${dataset.format === 'csv' ? 'CSV' : 'Parquet'} files: read it with ${reader}`,
      { param: 'dataset' },
    );
  }
  if (dataset.schemaChange) {
    ctx.log(
      `dataset "${dataset.name}" v${dataset.version} changed its columns since v${dataset.schemaChange.since}: ${describeSchemaChange(dataset.schemaChange)}`,
      'warn',
    );
  }
  return { file: dataset.file, shown: `dataset "${dataset.name}" v${dataset.version}`, dataset };
}
