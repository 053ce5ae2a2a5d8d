/**
 * The slice of the TensorFlow.js API that nodes use, typed structurally so
 * this package never imports TensorFlow.js: the worker hands the real module
 * in as `ctx.tf`. Extend it as trainers need more.
 */
export interface Tensor {
  readonly shape: number[];
  readonly dtype: string;
  dataSync(): Float32Array | Int32Array | Uint8Array;
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}

export type TensorOperand = Tensor | number;

export interface TensorFlowApi {
  getBackend(): string;
  memory(): { numTensors: number; numBytes: number };

  tensor2d(values: Float32Array | number[] | number[][], shape?: [number, number], dtype?: 'float32'): Tensor;
  tensor1d(values: Float32Array | Int32Array | number[], dtype?: 'float32' | 'int32'): Tensor;
  scalar(value: number, dtype?: 'float32'): Tensor;
  zeros(shape: number[], dtype?: 'float32'): Tensor;

  randomUniform(shape: number[], minval?: number, maxval?: number, dtype?: 'float32', seed?: number): Tensor;
  clone(x: Tensor): Tensor;
  gather(x: Tensor, indices: Tensor, axis?: number): Tensor;
  concat(tensors: Tensor[], axis?: number): Tensor;

  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  /** One kernel for a · b + bias, then the activation (a GEMM with its epilogue on wasm's XNNPACK). */
  fused: {
    matMul(args: { a: Tensor; b: Tensor; bias?: Tensor; activation?: 'linear' | 'relu' }): Tensor;
  };
  transpose(x: Tensor, perm?: number[]): Tensor;
  add(a: TensorOperand, b: TensorOperand): Tensor;
  sub(a: TensorOperand, b: TensorOperand): Tensor;
  mul(a: TensorOperand, b: TensorOperand): Tensor;
  div(a: TensorOperand, b: TensorOperand): Tensor;
  square(x: Tensor): Tensor;
  sqrt(x: Tensor): Tensor;
  exp(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  tanh(x: Tensor): Tensor;
  /** 1 where x > 0, else alpha (0). */
  step(x: Tensor, alpha?: number): Tensor;
  softmax(logits: Tensor, dim?: number): Tensor;
  softplus(x: Tensor): Tensor;
  logSumExp(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  sum(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;
  mean(x: Tensor, axis?: number | number[], keepDims?: boolean): Tensor;

  /** Runs `fn` and disposes every tensor it made except those it returns. */
  tidy<T extends Tensor | Tensor[]>(fn: () => T): T;
  dispose(tensors: Tensor | Tensor[]): void;
}
