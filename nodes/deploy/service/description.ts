import { z } from 'zod';
import { COMPARABLE_METRICS, evaluationOf } from './champion.js';
import { describeNode } from '../../core/define-node.js';

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
    policy: z.enum(['always', 'ifBetter']).default('always'),
    metric: z.enum(COMPARABLE_METRICS).optional(),
    minGain: z.number().min(0).default(0),
  })
  .strict();

export const deployServiceDescription = describeNode({
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
      '(`POST /api/deployments {runId, nodeId, name}`). With `policy: ifBetter` (champion–challenger) the new model ' +
      'and the version now serving are scored on the same withheld rows — the rows the evaluate node after this ' +
      'model saw — and the new version serves only if it wins on `metric` by at least `minGain`; otherwise it is ' +
      'kept as a candidate that does not serve, with both figures, and an admin may still promote it. The first ' +
      'version of a deployment always serves. A later version from a run an editor started is kept as a candidate ' +
      'too: replacing a serving model is an admin’s act.',
    params: {
      name: 'The deployment: lower-case letters, digits and dashes; the prediction URL is /api/predict/<name>.',
      autoDeploy: 'Publish a new version when the run succeeds (default true).',
      policy:
        '`always`: the new version serves. `ifBetter`: it serves only if it beats the serving version on the same rows.',
      metric:
        'ifBetter: the evaluate node’s figure to compare — accuracy, f1, auc, precision, recall, logLoss (lower is ' +
        'better) for a classifier; r2, rmse, mae (lower is better) for a regressor. Empty: accuracy or r2.',
      minGain:
        'ifBetter: how much better, in the metric’s own units, the new version must be (0: better at all; ' +
        'e.g. 0.01 for a point of accuracy).',
    },
    example:
      '{ "type": "deploy.service", "params": { "name": "breast-cancer", "policy": "ifBetter", "metric": "f1", "minGain": 0.005 } }',
  },
  inputs: [{ name: 'model', type: 'model' }],
  outputs: [],
  params,
  queue: 'cpu',
  checkGraph(node, graph) {
    if (node.params.policy !== 'ifBetter') return [];
    const metric = node.params.metric as (typeof COMPARABLE_METRICS)[number] | undefined;
    const found = evaluationOf(graph, node.id, metric);
    if ('problem' in found)
      return [
        {
          param: metric && found.problem.includes('gives no') ? 'metric' : 'policy',
          message: `ifBetter: ${found.problem}`,
        },
      ];
    return [];
  },
});
