import { NodeError } from '../../core/errors.js';
import type { ModelBundle, TransformStep } from '../../core/values.js';
import { trainerFor } from '../trainers.js';
import { OnnxGraphBuilder, type OnnxGraph } from './onnx-graph.js';

/** A column's current value in the graph: DOUBLE [N, 1] numbers (NaN: missing) or STRING [N, 1] text ("": missing). */
interface ColumnValue {
  name: string;
  kind: 'number' | 'text';
}

/**
 * The model with its fitted preprocessing as one ONNX graph that scores raw
 * rows as evaluate.score does. Inputs: one [N, 1] tensor per raw input
 * column, named as the column — DOUBLE for numbers (NaN where missing),
 * STRING for text and booleans ("true"/"false"; "" where missing).
 * Outputs: classifiers `label` (the class) and `probabilities` (FLOAT,
 * N × classes in the order of the metadata's `classes`); regressors and
 * clustering `prediction`.
 *
 * The fitted transforms and the standardising run in DOUBLE, as
 * Pipewright's scoring does, and the encoded rows are then rounded to FLOAT
 * like encodeFeatures' Float32Array; so the trees' splits see exactly the
 * numbers they were grown on. Text is one-hot encoded by ONNX-ML's
 * OneHotEncoder, numbers imputed by its Imputer and scaled by its Scaler
 * where that loses nothing, and the models are ONNX-ML's LinearRegressor,
 * LinearClassifier and TreeEnsemble operators, or standard ones (MLP).
 */
export function modelToOnnx(model: ModelBundle, name: string): OnnxGraph {
  const exporter = trainerFor(model.algorithm).onnx;
  if ('cannot' in exporter) {
    throw new NodeError(`a train.${model.algorithm} model cannot be exported as ONNX: ${exporter.cannot}`);
  }
  const g = new OnnxGraphBuilder();
  const columns = new Map<string, ColumnValue>();
  for (const input of model.inputs) {
    const kind = input.type === 'number' ? 'number' : input.type === 'datetime' ? undefined : 'text';
    if (!kind) {
      throw new NodeError(`input "${input.name}" holds dates or times, which an ONNX model cannot take`, {
        column: input.name,
      });
    }
    g.inputs.push({ name: input.name, type: kind === 'number' ? 'DOUBLE' : 'STRING', dims: ['N', 1] });
    columns.set(input.name, { name: input.name, kind });
  }
  for (const transform of model.transforms) {
    for (const step of transform.steps) applyStep(g, columns, step, transform.nodeId);
  }
  const x = encodeRows(g, model, columns);
  const scores = exporter.write(g, model, x);
  if (model.task === 'classification') {
    const classes = model.classes ?? [];
    const integers = classes.every((c) => typeof c === 'number' && Number.isInteger(c));
    const labels = integers
      ? g.constant('INT64', [classes.length], classes as number[])
      : g.constant(
          'STRING',
          [classes.length],
          classes.map((c) => String(c)),
        );
    // The first of equal probabilities wins, as in Pipewright's scoring.
    const best = g.op1('ArgMax', [scores], { axis: { i: 1 }, keepdims: { i: 0 }, select_last_index: { i: 0 } });
    g.output('label', g.op1('Gather', [labels, best], { axis: { i: 0 } }), integers ? 'INT64' : 'STRING', ['N']);
    g.output('probabilities', scores, 'FLOAT', ['N', classes.length]);
  } else if (model.task === 'regression') {
    g.output('prediction', g.op1('Reshape', [scores, g.constant('INT64', [1], [-1])]), 'FLOAT', ['N']);
  } else {
    g.output('prediction', scores, 'INT64', ['N']);
  }
  return g.graph(name, `Pipewright train.${model.algorithm} model with its fitted preprocessing`, {
    algorithm: model.algorithm,
    task: model.task,
    ...(model.label ? { label: model.label } : {}),
    ...(model.classes ? { classes: JSON.stringify(model.classes) } : {}),
    inputs: JSON.stringify(model.inputs),
  });
}

/** One fitted step, as applyStepsToRow applies it to a row being scored. */
function applyStep(g: OnnxGraphBuilder, columns: Map<string, ColumnValue>, step: TransformStep, nodeId: string): void {
  const column = (name: string, kind: ColumnValue['kind']): ColumnValue => {
    const value = columns.get(name);
    if (!value) throw new NodeError(`step "${step.op}" of node "${nodeId}" reads "${name}", which no input gives`);
    if (value.kind !== kind) {
      throw new NodeError(
        `node "${nodeId}" ${step.op === 'onehot' ? 'one-hot encodes' : `applies ${step.op} to`} "${name}", ` +
          `a ${value.kind} column; its ONNX form needs ${kind === 'number' ? 'numbers' : 'text'}`,
        { column: name },
      );
    }
    return value;
  };
  const set = (name: string, value: string, kind: ColumnValue['kind'] = 'number') =>
    columns.set(name, { name: value, kind });
  switch (step.op) {
    case 'dropMissing':
      return;
    case 'impute': {
      if (typeof step.value === 'number') {
        const x = column(step.column, 'number').name;
        set(step.column, g.op1('Where', [g.op1('IsNaN', [x]), g.double(step.value), x]));
      } else {
        const x = column(step.column, 'text').name;
        const missing = g.op1('Equal', [x, g.constant('STRING', [], [''])]);
        set(step.column, g.op1('Where', [missing, g.constant('STRING', [], [String(step.value)]), x]), 'text');
      }
      return;
    }
    case 'clip':
    case 'dropOutside': {
      const x = column(step.column, 'number').name;
      // Missing stays missing (NaN), as in applyStepsToRow.
      const clipped = g.op1('Min', [g.op1('Max', [x, g.double(step.min)]), g.double(step.max)]);
      set(step.column, g.op1('Where', [g.op1('IsNaN', [x]), x, clipped]));
      return;
    }
    case 'scale': {
      const x = column(step.column, 'number').name;
      set(step.column, g.op1('Div', [g.op1('Sub', [x, g.double(step.center)]), g.double(step.scale)]));
      return;
    }
    case 'bin': {
      const x = column(step.column, 'number').name;
      const inner = step.edges.slice(1, -1);
      if (inner.length === 0) {
        set(step.column, g.op1('Where', [g.op1('IsNaN', [x]), x, g.op1('Mul', [x, g.double(0)])]));
        return;
      }
      // The bin is the number of inner edges at or below the value.
      const reached = g.op1('Cast', [g.op1('GreaterOrEqual', [x, g.constant('DOUBLE', [1, inner.length], inner)])], {
        to: { i: 11 },
      });
      const index = g.op1('ReduceSum', [reached, g.constant('INT64', [1], [1])], { keepdims: { i: 1 } });
      set(step.column, g.op1('Where', [g.op1('IsNaN', [x]), x, index]));
      return;
    }
    case 'onehot': {
      const x = column(step.column, 'text').name;
      const made = oneHot(g, x, step.categories);
      step.categories.forEach((category, k) => {
        // Equal categories share the first one's column, as compileRowSteps has it.
        if (step.categories.indexOf(category) !== k) return;
        const slice = g.op1('Slice', [
          made,
          g.constant('INT64', [1], [k]),
          g.constant('INT64', [1], [k + 1]),
          g.constant('INT64', [1], [1]),
        ]);
        set(`${step.column}_${category}`, g.op1('Cast', [slice], { to: { i: 11 } }));
      });
      if (step.other) {
        const known = g.op1('ReduceSum', [made, g.constant('INT64', [1], [1])], { keepdims: { i: 1 } });
        const present = g.op1('Not', [g.op1('Equal', [x, g.constant('STRING', [], [''])])]);
        const unknown = g.op1('And', [present, g.op1('Equal', [known, g.constant('FLOAT', [], [0])])]);
        set(`${step.column}_other`, g.op1('Cast', [unknown], { to: { i: 11 } }));
      }
      columns.delete(step.column);
      return;
    }
    default: {
      // Every op of transformOps (nodes/core/transforms.ts) needs its ONNX form here too: a new one does not compile.
      const unhandled: never = step;
      throw new NodeError(`no ONNX form for step ${JSON.stringify(unhandled)}`);
    }
  }
}

/** ONNX-ML's OneHotEncoder of a STRING [N, 1] column: FLOAT [N, categories] (unknown or missing: all zeros). */
function oneHot(g: OnnxGraphBuilder, x: string, categories: string[]): string {
  const [encoded] = g.ml('OneHotEncoder', [x], { cats_strings: { strings: categories }, zeros: { i: 1 } });
  return g.op1('Reshape', [encoded, g.constant('INT64', [2], [-1, categories.length])]);
}

/** The trainer's encoding (fitEncoding) of the current columns: FLOAT [N, width], as encodeFeatures lays it out. */
function encodeRows(g: OnnxGraphBuilder, model: ModelBundle, columns: Map<string, ColumnValue>): string {
  const parts: string[] = [];
  for (const feature of model.encoding.features) {
    const value = columns.get(feature.column);
    if (!value) throw new NodeError(`the model's feature "${feature.column}" comes from no input`);
    if (feature.kind === 'onehot') {
      if (value.kind !== 'text') {
        throw new NodeError(`feature "${feature.column}" is one-hot encoded but reaches the model as a number`, {
          column: feature.column,
        });
      }
      if (feature.categories.length > 0) parts.push(oneHot(g, value.name, feature.categories));
      continue;
    }
    if (value.kind !== 'number') {
      throw new NodeError(`feature "${feature.column}" must be a number but reaches the model as text`, {
        column: feature.column,
      });
    }
    if (feature.mean === 0 && feature.std === 1) {
      // Units kept (trees, naive Bayes): rounding to FLOAT first and imputing then gives the same numbers.
      const rounded = g.op1('Cast', [value.name], { to: { i: 1 } });
      const [imputed] = g.ml('Imputer', [rounded], {
        imputed_value_floats: { floats: [feature.fill] },
        replaced_value_float: { f: Number.NaN },
      });
      parts.push(imputed);
      continue;
    }
    // Filled and centred in DOUBLE (a FLOAT offset would lose the digits of a large mean), scaled by ONNX-ML's Scaler.
    const filled = g.op1('Where', [g.op1('IsNaN', [value.name]), g.double(feature.fill), value.name]);
    const centred = g.op1('Sub', [filled, g.double(feature.mean)]);
    const [scaled] = g.ml('Scaler', [centred], { offset: { floats: [0] }, scale: { floats: [1 / feature.std] } });
    parts.push(scaled);
  }
  if (parts.length === 0) throw new NodeError('the model reads no features');
  return parts.length === 1 ? parts[0] : g.op1('Concat', parts, { axis: { i: 1 } });
}
