import { defineTrainer } from '../define-trainer.js';
import { encodeFeatures } from '../feature-encoding.js';
import { fitLinear, predictLinear } from './linear-model.js';
import { linearOnnx } from './linear-onnx.js';
import { linearDescription } from './description.js';

export const linearTrainer = defineTrainer(linearDescription, {
  async fit(_ctx, data, p, hooks) {
    const x = encodeFeatures(data.encoding, data.batch, data.rows);
    const state = fitLinear(x, data.targets as Float64Array, data.rows.length, data.encoding.width, p.l2);
    await hooks.progress(1);
    return { state: { ...state }, summary: { l2: p.l2 } };
  },
  predict: predictLinear,
  onnx: linearOnnx,
});
