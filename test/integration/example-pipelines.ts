import { readFileSync } from 'node:fs';
import type { PipelineFile } from '../../nodes/dist/index.js';

const examplePath = new URL('../../examples/breast-cancer.json', import.meta.url);

/** The breast-cancer example (source.csv → … → evaluate.classification), fresh each call. */
export function breastCancerPipeline(): PipelineFile {
  return JSON.parse(readFileSync(examplePath, 'utf8')) as PipelineFile;
}

/** The example with a trainer that runs long enough to be watched (and interrupted) mid-run. */
export function slowBreastCancerPipeline(epochs = 8000): PipelineFile {
  const file = breastCancerPipeline();
  const train = file.nodes.find((node) => node.id === 'train');
  if (!train) throw new Error('the example has no "train" node');
  train.params = { ...train.params, epochs };
  return file;
}
