import { describe, expect, it } from 'vitest';
import { loadTensorFlow, parseBackendName } from './tensorflow-backend.js';

describe('loadTensorFlow', () => {
  it('loads the best backend that starts, once per process, and computes with it', async () => {
    const messages: string[] = [];
    const first = loadTensorFlow({ log: (m) => messages.push(m) });
    expect(loadTensorFlow()).toBe(first);
    const { tf, backend } = await first;
    expect(['node-gpu', 'webgpu', 'node', 'wasm', 'cpu']).toContain(backend);
    expect(messages[0]).toContain(`TensorFlow.js backend: ${backend}`);
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2]));
    expect(Array.from(await product.data())).toEqual([1, 2, 3, 4]);
    product.dispose();
  });

  it('reads PIPEWRIGHT_TF_BACKEND names and rejects others', () => {
    expect(parseBackendName('WASM')).toBe('wasm');
    expect(parseBackendName('tensorflow')).toBe('node');
    expect(parseBackendName('node-gpu')).toBe('node-gpu');
    expect(parseBackendName('WebGPU')).toBe('webgpu');
    expect(() => parseBackendName('webgl')).toThrow(
      'PIPEWRIGHT_TF_BACKEND must be one of node-gpu, webgpu, node, wasm, cpu',
    );
  });
});
