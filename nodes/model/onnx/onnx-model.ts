import { NodeError } from '../../core/errors.js';
import type { ColumnBatch } from '../../core/define-node.js';
import {
  base64ToBytes,
  type OnnxModelSession,
  type OnnxRuntimeApi,
  type OnnxTensorData,
  type OnnxValueInfo,
} from '../../core/onnx-runtime.js';
import type { ColumnInfo, EncodedFeature, ModelBundle, ModelTask } from '../../core/values.js';

export { isOnnxModel, ONNX_ALGORITHM } from './onnx-algorithm.js';

/** Element types a table's columns can feed: numbers as floats or integers, text as strings. */
const FEEDABLE = ['float32', 'float64', 'int32', 'int64', 'string'] as const;
type FeedType = (typeof FEEDABLE)[number];

/** One model input and the columns that feed it: [N] from one column, or [N, columns] row by row. */
export interface OnnxFeed {
  input: string;
  type: FeedType;
  columns: string[];
  rank: 1 | 2;
}

/** What a model.onnx bundle keeps in `state`: the model's bytes and how rows reach it and come out. */
export interface OnnxState {
  /** The .onnx file, base64. */
  onnx: string;
  feeds: OnnxFeed[];
  /** The output holding class probabilities (N × classes, or N × 1 for the positive class) or the predictions. */
  output: string;
  /** Classifiers whose output is one probability a row (of the second class). */
  positiveOnly?: boolean;
}

/** How the node's params map columns to the model's inputs and pick its output. */
export interface OnnxMapping {
  features: string[];
  inputs: Record<string, string[]>;
  output?: string;
  task: 'classification' | 'regression';
  classes: (string | number)[];
}

/** Thrown with the param it concerns; the runtime adds the node id. */
function mismatch(message: string, param: string): NodeError {
  return new NodeError(message, { param });
}

const quoted = (names: string[]): string => names.map((n) => `'${n}'`).join(', ');

/** A shape as the user reads it: [N, 30]. */
function shapeText(shape: (number | string)[] | undefined): string {
  return `[${(shape ?? []).map((d) => (typeof d === 'number' && d >= 0 ? String(d) : 'N')).join(', ')}]`;
}

/** A fixed size of a dimension, or undefined where it is free (a name, -1). */
function fixed(dimension: number | string | undefined): number | undefined {
  return typeof dimension === 'number' && dimension > 0 ? dimension : undefined;
}

/**
 * Checks the mapping against the model's signature (input names, element
 * types, shapes; the output and the classes) and gives the feeds, with an
 * error naming the mismatch and the param to fix.
 */
export function planOnnxModel(
  session: Pick<OnnxModelSession, 'inputs' | 'outputs'>,
  mapping: OnnxMapping,
): { feeds: OnnxFeed[]; output: string; classes?: (string | number)[]; positiveOnly?: boolean } {
  const inputNames = session.inputs.map((i) => i.name);
  const mapped = Object.entries(mapping.inputs);
  let pairs: [OnnxValueInfo, string[], string][];
  if (mapped.length > 0) {
    if (mapping.features.length > 0) {
      throw mismatch(
        'give the columns as features (one model input) or as inputs (input → columns), not both',
        'inputs',
      );
    }
    for (const [name] of mapped) {
      if (!inputNames.includes(name)) {
        throw mismatch(`the model has no input '${name}' (its inputs: ${quoted(inputNames)})`, 'inputs');
      }
    }
    pairs = session.inputs.map((info) => {
      const columns = mapping.inputs[info.name];
      if (!columns) {
        throw mismatch(`model input '${info.name}' is not mapped to columns (give inputs.${info.name})`, 'inputs');
      }
      return [info, columns, 'inputs'];
    });
  } else if (session.inputs.length === 1) {
    const [info] = session.inputs;
    if (mapping.features.length === 0) {
      const wanted = fixed(info.shape?.[1]);
      throw mismatch(
        `list the columns that feed model input '${info.name}'${wanted ? ` (it expects ${wanted})` : ''} in features`,
        'features',
      );
    }
    pairs = [[info, mapping.features, 'features']];
  } else {
    // Several inputs and no mapping: each takes the column of its own name (Pipewright's own ONNX exports).
    if (mapping.features.length > 0) {
      throw mismatch(
        `the model has ${session.inputs.length} inputs (${quoted(inputNames)}): map columns to each with inputs, not features`,
        'features',
      );
    }
    pairs = session.inputs.map((info) => [info, [info.name], 'inputs']);
  }
  const feeds = pairs.map(([info, columns, param]) => feedOf(info, columns, param));
  return { feeds, ...pickOutput(session.outputs, mapping) };
}

function feedOf(info: OnnxValueInfo, columns: string[], param: string): OnnxFeed {
  if (!info.isTensor) throw mismatch(`model input '${info.name}' is not a tensor; a table cannot feed it`, param);
  const type = info.type as FeedType;
  if (!FEEDABLE.includes(type)) {
    throw mismatch(
      `model input '${info.name}' takes ${info.type} values; columns can feed ${FEEDABLE.join(', ')}`,
      param,
    );
  }
  const shape = info.shape ?? [];
  if (columns.length === 0) throw mismatch(`model input '${info.name}' is mapped to no columns`, param);
  if (shape.length === 1) {
    if (columns.length !== 1) {
      throw mismatch(
        `model input '${info.name}' has shape ${shapeText(shape)}: it takes one column, mapping gives ${columns.length}`,
        param,
      );
    }
    return { input: info.name, type, columns, rank: 1 };
  }
  if (shape.length !== 2 && shape.length !== 0) {
    throw mismatch(
      `model input '${info.name}' has shape ${shapeText(shape)}: only [N] or [N, columns] inputs can be fed from a table`,
      param,
    );
  }
  const wanted = fixed(shape[1]);
  if (wanted !== undefined && wanted !== columns.length) {
    throw mismatch(
      `model input '${info.name}' expects ${wanted} column${wanted === 1 ? '' : 's'}, mapping gives ${columns.length}`,
      param,
    );
  }
  return { input: info.name, type, columns, rank: 2 };
}

const FLOATS = new Set(['float32', 'float64', 'float16']);

function pickOutput(
  outputs: OnnxValueInfo[],
  mapping: OnnxMapping,
): { output: string; classes?: (string | number)[]; positiveOnly?: boolean } {
  const names = outputs.map((o) => o.name);
  const floatTensors = outputs.filter((o) => o.isTensor && FLOATS.has(String(o.type)));
  let output: OnnxValueInfo | undefined;
  if (mapping.output !== undefined) {
    output = outputs.find((o) => o.name === mapping.output);
    if (!output)
      throw mismatch(`the model has no output '${mapping.output}' (its outputs: ${quoted(names)})`, 'output');
    if (!output.isTensor) {
      throw mismatch(
        `model output '${output.name}' is not a tensor (a ZipMap of class → probability?); pick a tensor output${floatTensors.length ? ` such as '${floatTensors[0].name}'` : ''}, or convert the model without ZipMap`,
        'output',
      );
    }
    if (!FLOATS.has(String(output.type))) {
      throw mismatch(
        `model output '${output.name}' gives ${output.type} values; ${mapping.task === 'classification' ? 'class probabilities' : 'predictions'} must be floats`,
        'output',
      );
    }
  } else {
    output =
      mapping.task === 'classification'
        ? (floatTensors.find((o) => (o.shape ?? []).length === 2) ?? floatTensors[0])
        : floatTensors[0];
    if (!output) {
      throw mismatch(
        `no output of the model gives float ${mapping.task === 'classification' ? 'probabilities' : 'predictions'} (its outputs: ${quoted(names)})`,
        'output',
      );
    }
  }
  const shape = output.shape ?? [];
  if (mapping.task === 'regression') {
    if (shape.length > 2 || (shape.length === 2 && fixed(shape[1]) !== 1)) {
      throw mismatch(
        `model output '${output.name}' has shape ${shapeText(shape)}: a regression takes one number a row ([N] or [N, 1])`,
        'output',
      );
    }
    return { output: output.name };
  }
  const width = shape.length === 2 ? fixed(shape[1]) : shape.length === 1 ? 1 : undefined;
  if (width === 1) {
    // One probability a row: of the second class.
    const classes = mapping.classes.length ? mapping.classes : [0, 1];
    if (classes.length !== 2) {
      throw mismatch(
        `model output '${output.name}' gives one probability a row (two classes); classes lists ${classes.length}`,
        'classes',
      );
    }
    return { output: output.name, classes, positiveOnly: true };
  }
  if (width === undefined && !mapping.classes.length) {
    throw mismatch(
      `model output '${output.name}' has shape ${shapeText(shape)}: list the classes of its columns in classes`,
      'classes',
    );
  }
  if (width !== undefined && mapping.classes.length && mapping.classes.length !== width) {
    throw mismatch(
      `classes lists ${mapping.classes.length} labels, but model output '${output.name}' gives ${width} probabilities a row`,
      'classes',
    );
  }
  const classes = mapping.classes.length ? mapping.classes : Array.from({ length: width ?? 0 }, (_, k) => k);
  return { output: output.name, classes };
}

/** The columns a row must give, and their encoding (as they are: an imported model does its own preprocessing). */
export function onnxColumns(feeds: OnnxFeed[]): { inputs: ColumnInfo[]; features: EncodedFeature[] } {
  const inputs: ColumnInfo[] = [];
  for (const feed of feeds) {
    for (const column of feed.columns) {
      const text = feed.type === 'string';
      const existing = inputs.find((c) => c.name === column);
      if (existing && (existing.type === 'string') !== text) {
        throw mismatch(`column "${column}" feeds both a text input and a number input of the model`, 'inputs');
      }
      if (!existing) {
        inputs.push(
          text
            ? { name: column, type: 'string', sqlType: 'VARCHAR' }
            : { name: column, type: 'number', sqlType: 'DOUBLE' },
        );
      }
    }
  }
  const features = inputs.map((c): EncodedFeature =>
    c.type === 'string'
      ? { column: c.name, kind: 'onehot', categories: [] }
      : { column: c.name, kind: 'numeric', mean: 0, std: 1, fill: 0 },
  );
  return { inputs, features };
}

/** The .onnx bytes an imported model was made of (an export gives them back as they came). */
export function onnxModelBytes(model: ModelBundle): Uint8Array {
  return base64ToBytes(onnxState(model).onnx);
}

function onnxState(model: Pick<ModelBundle, 'state'>): OnnxState {
  const state = model.state as Partial<OnnxState>;
  if (typeof state.onnx !== 'string' || !Array.isArray(state.feeds) || typeof state.output !== 'string') {
    throw new NodeError('the model bundle is damaged: its ONNX model or mapping is missing');
  }
  return state as OnnxState;
}

const sessions = new WeakMap<ModelBundle, Promise<OnnxModelSession>>();

/** The model's onnxruntime session, loaded once per bundle object (a deployed version keeps its own). */
function sessionOf(runtime: OnnxRuntimeApi, model: ModelBundle): Promise<OnnxModelSession> {
  let session = sessions.get(model);
  if (!session) {
    session = runtime.load(onnxModelBytes(model));
    sessions.set(model, session);
    session.catch(() => sessions.delete(model));
  }
  return session;
}

/**
 * Scores the rows of `batch` (the model's input columns, as modelFeatureBatch
 * or a RowScorer give them) with onnxruntime: classifiers give rows ×
 * classes probabilities in the order of model.classes, regressors one number
 * a row — what a trainer's Predictor gives.
 */
export async function scoreOnnxBatch(
  runtime: OnnxRuntimeApi | undefined,
  model: ModelBundle,
  batch: ColumnBatch,
): Promise<Float64Array> {
  if (!runtime) throw new NodeError('an imported ONNX model is scored with onnxruntime, which this process lacks');
  const state = onnxState(model);
  const rows = batch.rowCount;
  const feeds: Record<string, OnnxTensorData> = {};
  for (const feed of state.feeds) feeds[feed.input] = feedTensor(feed, batch);
  const session = await sessionOf(runtime, model);
  let result: Record<string, OnnxTensorData>;
  try {
    result = await session.run(feeds, [state.output]);
  } catch (error) {
    throw new NodeError(`onnxruntime could not score the rows: ${(error as Error).message.split('\n')[0]}`);
  }
  const values = result[state.output]?.data as ArrayLike<number> | undefined;
  if (!values) throw new NodeError(`the model gave no output '${state.output}'`);
  if (model.task !== 'classification') {
    if (values.length !== rows) {
      throw new NodeError(`model output '${state.output}' gave ${values.length} values for ${rows} rows`);
    }
    return Float64Array.from(values, Number);
  }
  const k = model.classes?.length ?? 0;
  if (state.positiveOnly) {
    if (values.length !== rows) {
      throw new NodeError(`model output '${state.output}' gave ${values.length} values for ${rows} rows`);
    }
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      out[i * 2] = 1 - Number(values[i]);
      out[i * 2 + 1] = Number(values[i]);
    }
    return out;
  }
  if (values.length !== rows * k) {
    throw new NodeError(
      `model output '${state.output}' gave ${values.length / Math.max(rows, 1)} values a row, but the model has ${k} classes`,
    );
  }
  return Float64Array.from(values, Number);
}

/** A feed's tensor from the batch's columns: row-major [N, columns], or [N] from one column. */
function feedTensor(feed: OnnxFeed, batch: ColumnBatch): OnnxTensorData {
  const rows = batch.rowCount;
  const width = feed.columns.length;
  const dims = feed.rank === 1 ? [rows] : [rows, width];
  const sources = feed.columns.map((name) => {
    const at = batch.columns.findIndex((c) => c.name === name);
    if (at === -1) throw new NodeError(`column "${name}" is missing: the model needs it`, { column: name });
    return { name, column: batch.columns[at], values: batch.values[at] };
  });
  if (feed.type === 'string') {
    const data: string[] = new Array(rows * width);
    sources.forEach((source, c) => {
      for (let i = 0; i < rows; i++) {
        const value = source.values[i];
        data[i * width + c] = value === null || value === undefined || Number.isNaN(value) ? '' : String(value);
      }
    });
    return { type: 'string', data, dims };
  }
  for (const source of sources) {
    if (!(source.values instanceof Float64Array)) {
      throw new NodeError(
        `column "${source.name}" holds text, but model input '${feed.input}' takes ${feed.type} numbers`,
        { column: source.name },
      );
    }
  }
  const numbers = sources.map((s) => s.values as Float64Array);
  if (feed.type === 'int64' || feed.type === 'int32') {
    const data = feed.type === 'int64' ? new BigInt64Array(rows * width) : new Int32Array(rows * width);
    numbers.forEach((values, c) => {
      for (let i = 0; i < rows; i++) {
        const x = values[i];
        if (!Number.isInteger(x)) {
          throw new NodeError(
            `row ${i + 1}: column "${feed.columns[c]}" is ${Number.isNaN(x) ? 'missing' : x}, but model input '${feed.input}' takes whole numbers (${feed.type})`,
            { column: feed.columns[c], row: i + 1 },
          );
        }
        data[i * width + c] = (feed.type === 'int64' ? BigInt(x) : x) as never;
      }
    });
    return { type: feed.type, data, dims };
  }
  const data = feed.type === 'float32' ? new Float32Array(rows * width) : new Float64Array(rows * width);
  numbers.forEach((values, c) => {
    for (let i = 0; i < rows; i++) data[i * width + c] = values[i];
  });
  return { type: feed.type, data, dims };
}

/** The task a model.onnx bundle declares. */
export type OnnxTask = Extract<ModelTask, 'classification' | 'regression'>;
