import type { ColumnInfo, ModelBundle } from '@pipewright/nodes';

/**
 * What a deployment version serves, and what `GET /api/deployments/:name/bundle`
 * exports and `pipewright serve --bundle` loads: the trained model with its
 * fitted transforms, encoding and label mapping, plus where it came from.
 * Plain JSON; no secret is in it.
 */
export interface ServingBundle {
  format: 'pipewright-serving/v1';
  name: string;
  version: number;
  source: { runId: string | null; nodeId: string };
  createdAt: string;
  model: ModelBundle;
}

/** `model` as version `version` of deployment `name`, made from `source` (a run's node; runId null: outside a run). */
export function servingBundle(
  model: ModelBundle,
  name: string,
  version: number,
  source: ServingBundle['source'],
): ServingBundle {
  return { format: 'pipewright-serving/v1', name, version, source, createdAt: new Date().toISOString(), model };
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Checks a bundle read from a file or the database has what serving needs; throws BundleError naming what is off. */
export function checkServingBundle(value: unknown): ServingBundle {
  const bundle = value as Partial<ServingBundle> | null;
  if (typeof bundle !== 'object' || bundle === null) throw new BundleError('a serving bundle is a JSON object');
  if (bundle.format !== 'pipewright-serving/v1') {
    throw new BundleError(`unknown bundle format ${JSON.stringify(bundle.format)}: expected "pipewright-serving/v1"`);
  }
  if (typeof bundle.name !== 'string' || !bundle.name) throw new BundleError('the bundle has no deployment name');
  if (!Number.isInteger(bundle.version)) throw new BundleError('the bundle has no version number');
  const model = bundle.model;
  if (!model || model.kind !== 'model' || model.format !== 'pipewright-model/v1') {
    throw new BundleError('the bundle holds no pipewright-model/v1 model');
  }
  if (!Array.isArray(model.inputs) || !Array.isArray(model.transforms) || !model.encoding) {
    throw new BundleError('the bundle’s model lacks its inputs, transforms or encoding');
  }
  if (model.task === 'classification' && !model.classes?.length) {
    throw new BundleError('the bundle’s classifier has no classes');
  }
  return bundle as ServingBundle;
}

/** The columns a request row must carry: the model's raw inputs. */
export function requestColumns(bundle: ServingBundle): ColumnInfo[] {
  return bundle.model.inputs;
}
