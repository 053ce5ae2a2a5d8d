import type { OnnxModelSession, OnnxRuntimeApi, OnnxTensorData, OnnxValueInfo } from '@pipewright/nodes';

type Ort = typeof import('onnxruntime-node');

let ort: Promise<Ort> | undefined;

/** onnxruntime-node, loaded on first use: a process that never meets an ONNX model never loads its native library. */
function loadOrt(): Promise<Ort> {
  ort ??= import('onnxruntime-node');
  return ort;
}

function info(
  metadata: Awaited<ReturnType<Ort['InferenceSession']['create']>>['inputMetadata'][number],
): OnnxValueInfo {
  return metadata.isTensor
    ? { name: metadata.name, isTensor: true, type: metadata.type, shape: [...metadata.shape] }
    : { name: metadata.name, isTensor: false };
}

/**
 * Imported ONNX models as nodes and serving see them (`ctx.onnx`), on
 * onnxruntime-node: one session a model, its inputs and outputs described
 * from the model's own signature.
 */
export const onnxRuntime: OnnxRuntimeApi = {
  async load(model: Uint8Array): Promise<OnnxModelSession> {
    const { InferenceSession, Tensor } = await loadOrt();
    const session = await InferenceSession.create(model);
    return {
      inputs: session.inputMetadata.map(info),
      outputs: session.outputMetadata.map(info),
      async run(feeds, outputs) {
        const tensors = Object.fromEntries(
          Object.entries(feeds).map(([name, feed]) => [
            name,
            new Tensor(feed.type as 'float32', feed.data as Float32Array, feed.dims as number[]),
          ]),
        );
        const result = await session.run(tensors, outputs);
        return Object.fromEntries(
          Object.entries(result).map(([name, value]): [string, OnnxTensorData] => {
            const tensor = value as InstanceType<Ort['Tensor']>;
            return [name, { type: tensor.type, data: tensor.data as ArrayLike<unknown>, dims: tensor.dims }];
          }),
        );
      },
    };
  },
};
