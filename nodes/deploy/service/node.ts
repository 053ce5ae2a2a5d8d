import { defineNode, modelInput, NodeError } from '../../core/index.js';
import { trainerFor } from '../../train/trainers.js';
import { isOnnxModel } from '../../model/onnx/onnx-model.js';
import { lowerIsBetter } from './champion.js';
import { deployServiceDescription } from './description.js';

export const deployService = defineNode({
  ...deployServiceDescription,
  async run(ctx, inputs, { name, autoDeploy, policy, metric, minGain }) {
    const model = modelInput(inputs);
    if (model.task === 'clustering')
      throw new NodeError('a clustering model has nothing to predict: deploy a classifier or regressor');
    try {
      if (!isOnnxModel(model)) trainerFor(model.algorithm);
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
    if (autoDeploy && policy === 'ifBetter') {
      const direction = metric ? ` (${lowerIsBetter(metric) ? 'lower' : 'higher'} is better)` : '';
      ctx.log(
        `it will serve only if it beats the serving version on ${metric ?? 'the evaluation’s headline metric'}${direction}` +
          `${minGain > 0 ? ` by at least ${minGain}` : ''}, on the same withheld rows`,
      );
    }
    return {};
  },
});
