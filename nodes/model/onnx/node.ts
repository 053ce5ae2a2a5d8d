import { bytesToBase64, defineNode, NodeError, type ModelBundle } from '../../core/index.js';
import { ONNX_ALGORITHM, onnxColumns, planOnnxModel, type OnnxState } from './onnx-model.js';
import { modelOnnxDescription } from './description.js';

/** The bundle holds the model's bytes (base64, in JSON stored in PostgreSQL): this keeps it well under jsonb's 255 MB. */
const MAX_ONNX_BYTES = 128 * 2 ** 20;

export const modelOnnx = defineNode({
  ...modelOnnxDescription,
  async run(ctx, _inputs, p) {
    if (!ctx.onnx) throw new NodeError('this worker cannot load ONNX models: onnxruntime-node is not installed');
    const bytes = await ctx.artifacts.readFile(p.path, 'path');
    if (bytes.length > MAX_ONNX_BYTES) {
      throw new NodeError(
        `"${p.path}" is ${(bytes.length / 2 ** 20).toFixed(0)} MiB; an imported model travels inside its model bundle (stored in PostgreSQL), up to ${MAX_ONNX_BYTES / 2 ** 20} MiB`,
        { param: 'path' },
      );
    }
    const session = await ctx.onnx.load(bytes).catch((error: unknown) => {
      throw new NodeError(
        `"${p.path}" is not an ONNX model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`,
        {
          param: 'path',
        },
      );
    });
    const plan = planOnnxModel(session, p);
    const { inputs, features } = onnxColumns(plan.feeds);
    const state: OnnxState = {
      onnx: bytesToBase64(bytes),
      feeds: plan.feeds,
      output: plan.output,
      ...(plan.positiveOnly ? { positiveOnly: true } : {}),
    };
    const model: ModelBundle = {
      kind: 'model',
      key: `${ctx.jobKey}:model`,
      format: 'pipewright-model/v1',
      algorithm: ONNX_ALGORITHM,
      task: p.task,
      ...(p.label ? { label: p.label } : {}),
      ...(plan.classes ? { classes: plan.classes } : {}),
      inputs,
      transforms: [],
      encoding: { features, width: features.length },
      state: state as unknown as Record<string, unknown>,
      training: {
        imported: p.path,
        bytes: bytes.length,
        inputs: plan.feeds.map((f) => `${f.input} ← ${f.columns.join(', ')}`),
        output: plan.output,
      },
    };
    ctx.log(
      `loaded ${p.path} (${bytes.length.toLocaleString('en')} bytes): ` +
        plan.feeds
          .map((f) => `${f.input} (${f.type}) ← ${f.columns.length} column${f.columns.length === 1 ? '' : 's'}`)
          .join('; ') +
        `; ${p.task} from output '${plan.output}'`,
    );
    return { model };
  },
});
