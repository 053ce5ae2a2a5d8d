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

/** The example with a deploy.service node after the trainer: it deploys itself when the run succeeds. */
export function deployingPipeline(): PipelineFile {
  const file = breastCancerPipeline();
  file.nodes.push({
    id: 'deploy',
    type: 'deploy.service',
    params: { name: 'breast-cancer' },
    position: { x: 1300, y: 0 },
  });
  file.edges.push({ from: 'train.model', to: 'deploy.model' });
  return file;
}

/**
 * The example deploying its trainer's model as `name` under `deploy` params. `weak` trains on one column (mean
 * fractal dimension, which tells the classes apart barely better than always answering benign): a model a
 * champion–challenger policy should refuse to put in front of the full one.
 */
export function challengerPipeline(name: string, deploy: Record<string, unknown>, weak: boolean): PipelineFile {
  const file = breastCancerPipeline();
  file.name = weak ? `${name}: one weak column` : `${name}: every column`;
  if (weak) {
    const train = file.nodes.find((node) => node.id === 'train')!;
    train.params = { ...train.params, features: ['mean fractal dimension'] };
  }
  file.nodes.push({ id: 'deploy', type: 'deploy.service', params: { name, ...deploy }, position: { x: 1300, y: 0 } });
  file.edges.push({ from: 'train.model', to: 'deploy.model' });
  return file;
}
