import { NodeError } from '../../core/index.js';
import { defineTrainer } from '../define-trainer.js';
import { modelState } from '../model-state.js';
import { dummyDescription } from './description.js';

/** The one row of outputs every row gets: class probabilities (classification) or the number (regression). */
interface DummyState {
  outputs: number[];
}

const CLASS_STRATEGIES = ['prior', 'mostFrequent'];
const NUMBER_STRATEGIES = ['mean', 'median'];

export const dummyTrainer = defineTrainer(dummyDescription, {
  async fit(_ctx, data, p, hooks) {
    const classification = data.task === 'classification';
    const fits = classification ? CLASS_STRATEGIES : NUMBER_STRATEGIES;
    const strategy = p.strategy === 'auto' ? fits[0] : p.strategy;
    if (!fits.includes(strategy)) {
      throw new NodeError(
        `strategy ${strategy} is for ${classification ? 'regression' : 'classification'}; this label is ${data.task}: use ${fits.join(' or ')}`,
        { param: 'strategy' },
      );
    }
    let outputs: number[];
    if (classification) {
      const counts = new Array<number>(data.classCount).fill(0);
      for (const target of data.targets) counts[target]++;
      outputs = counts.map((count) => count / data.rows.length);
      if (strategy === 'mostFrequent') {
        const most = outputs.indexOf(Math.max(...outputs));
        outputs = outputs.map((_, c) => (c === most ? 1 : 0));
      }
    } else {
      const values = Float64Array.from(data.targets).sort();
      const middle = values.length >> 1;
      outputs = [
        strategy === 'median'
          ? values.length % 2
            ? values[middle]
            : (values[middle - 1] + values[middle]) / 2
          : values.reduce((sum, value) => sum + value, 0) / values.length,
      ];
    }
    await hooks.progress(1);
    const state: DummyState = { outputs };
    return { state: { ...state }, summary: { strategy } };
  },
  onnx: {
    // Every row gets the same outputs: the constant row expanded to the rows' count.
    write(g, model, x) {
      const { outputs } = model.state as unknown as DummyState;
      const rows = g.op1('Shape', [x], { start: { i: 0 }, end: { i: 1 } });
      const shape = g.op1('Concat', [rows, g.constant('INT64', [1], [outputs.length])], { axis: { i: 0 } });
      return g.op1('Expand', [g.constant('FLOAT', [outputs.length], outputs), shape]);
    },
  },
  predict(model, batch, rows) {
    const { outputs } = modelState<DummyState>(model, 'dummy', (s) => {
      if (!Array.isArray(s.outputs) || !s.outputs.every((value) => Number.isFinite(value))) return false;
      // A cross-validation fold's model has no classes yet: its outputs are one a class.
      const expected = model.task === 'classification' ? (model.classes?.length ?? s.outputs.length) : 1;
      return s.outputs.length === expected;
    });
    const count = rows ? rows.length : batch.rowCount;
    const out = new Float64Array(count * outputs.length);
    for (let i = 0; i < count; i++) out.set(outputs, i * outputs.length);
    return out;
  },
});
