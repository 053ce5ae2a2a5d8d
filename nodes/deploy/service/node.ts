import { z } from 'zod';
import { defineNode, modelInput, NodeError } from '../../core/index.js';
import { trainerFor } from '../../train/trainers.js';

/** A deployment's name: it is part of the prediction URL (`/api/predict/<name>`). */
export const deploymentNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'lower-case letters, digits and dashes, starting with a letter or digit (at most 63)',
  );

const params = z
  .object({
    name: deploymentNameSchema,
    autoDeploy: z.boolean().default(true),
  })
  .strict();

export const deployService = defineNode({
  type: 'deploy.service',
  version: 1,
  category: 'deploy',
  title: 'Deploy service',
  description: 'Publish the model as a versioned prediction web service when the run succeeds.',
  docs: {
    summary:
      'Checks that the model can be served (its fitted preprocessing, encoding and weights are all in the bundle) and, ' +
      'with `autoDeploy`, publishes it as the next version of deployment `name` once the whole run has succeeded: ' +
      '`POST /api/predict/<name>` then answers with it. Without `autoDeploy` an admin deploys it later from the run ' +
      '(`POST /api/deployments {runId, nodeId, name}`).',
    params: {
      name: 'The deployment: lower-case letters, digits and dashes; the prediction URL is /api/predict/<name>.',
      autoDeploy: 'Publish a new version when the run succeeds (default true).',
    },
    example: '{ "type": "deploy.service", "params": { "name": "breast-cancer", "autoDeploy": true } }',
  },
  inputs: [{ name: 'model', type: 'model' }],
  outputs: [],
  params,
  queue: 'cpu',
  async run(ctx, inputs, { name, autoDeploy }) {
    const model = modelInput(inputs);
    if (model.task === 'clustering')
      throw new NodeError('a clustering model has nothing to predict: deploy a classifier or regressor');
    try {
      trainerFor(model.algorithm);
    } catch {
      throw new NodeError(`models trained by "${model.algorithm}" cannot be served yet`);
    }
    if (model.task === 'classification' && !model.classes?.length) {
      throw new NodeError('the model bundle is damaged: a classifier without its classes');
    }
    const inputsList = model.inputs.map((c) => `${c.name} (${c.type})`).join(', ');
    ctx.log(
      autoDeploy
        ? `the ${model.algorithm} model will be deployed as "${name}" when the run succeeds; it takes ${inputsList}`
        : `the ${model.algorithm} model can be deployed as "${name}" from this run; it takes ${inputsList}`,
    );
    return {};
  },
});
