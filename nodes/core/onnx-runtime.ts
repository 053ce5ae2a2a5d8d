/**
 * The slice of onnxruntime that nodes use, typed structurally so this
 * package never imports it: the worker hands `onnxruntime-node` in as
 * `ctx.onnx`, and serving scores with the same module.
 */

/** Element types of the tensors an imported model may take or give, as onnxruntime names them. */
export type OnnxElementType = 'float32' | 'float64' | 'int32' | 'int64' | 'string' | 'bool' | (string & {});

/** One input or output of a model: a tensor with its element type and shape (a name or -1 for a free dimension). */
export interface OnnxValueInfo {
  name: string;
  /** False for a sequence or map (ZipMap's list of class → probability). */
  isTensor: boolean;
  type?: OnnxElementType;
  shape?: (number | string)[];
}

/** A tensor handed to or taken from a model. */
export interface OnnxTensorData {
  type: OnnxElementType;
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | string[] | Uint8Array | ArrayLike<unknown>;
  dims: readonly number[];
}

export interface OnnxModelSession {
  readonly inputs: OnnxValueInfo[];
  readonly outputs: OnnxValueInfo[];
  /** Runs the model on `feeds` (by input name) and gives the outputs asked for. */
  run(feeds: Record<string, OnnxTensorData>, outputs: string[]): Promise<Record<string, OnnxTensorData>>;
}

export interface OnnxRuntimeApi {
  /** Loads a model from its bytes; throws when they are not an ONNX model onnxruntime can run. */
  load(model: Uint8Array): Promise<OnnxModelSession>;
}

/** Bytes as base64 text (a model's bytes travel in its JSON bundle so). */
export function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
