import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWat, WASM_SOURCES, wasmModuleText } from '../../../scripts/wasm-sources.mjs';
import { denseLayerKernelAvailable, mlpOnEncoded, type MlpState } from './mlp-model.js';

/** A network of the given widths with seeded weights in float32 values, as training leaves them. */
function network(widths: number[], activation: MlpState['activation'], output: MlpState['output']): MlpState {
  let seed = 7;
  const random = () => Math.fround(((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2);
  return {
    activation,
    output,
    layers: widths.slice(1).map((outputs, l) => ({
      inputs: widths[l],
      outputs,
      weights: Array.from({ length: widths[l] * outputs }, random),
      bias: Array.from({ length: outputs }, random),
    })),
    target: output === 'identity' ? { mean: 180_000, std: 75_000 } : undefined,
  };
}

function rows(count: number, width: number): Float32Array {
  // Some zeros (one-hot columns) and some large values among the standardised ones.
  return Float32Array.from({ length: count * width }, (_, i) =>
    i % 5 === 0 ? 0 : Math.sin(i) * (i % 7 === 0 ? 40 : 2),
  );
}

function expectClose(actual: Float64Array, expected: Float64Array, relative: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected[i])));
  }
}

describe('the MLP forward pass in the WebAssembly kernel', () => {
  it('is what dense-layer.wat compiles to', async () => {
    for (const source of WASM_SOURCES) {
      const bytes = await compileWat(readFileSync(source.wat, 'utf8'), source.wat);
      expect(readFileSync(source.module, 'utf8'), `run node scripts/wasm.mjs`).toBe(wasmModuleText(source, bytes));
    }
  });

  it('runs in Node', () => {
    expect(denseLayerKernelAvailable()).toBe(true);
  });

  const cases: [string, MlpState, number[]][] = [
    [
      'relu classifier, widths not a multiple of 4',
      network([7, 5, 3], 'relu', 'softmax'),
      [0, 1, 2, 3, 255, 256, 257, 601],
    ],
    ['tanh regressor, three hidden layers', network([30, 64, 9, 13, 1], 'tanh', 'identity'), [1, 2, 513]],
    ['2 × 64 on 30 inputs, as the serving benchmark', network([30, 64, 64, 2], 'relu', 'softmax'), [1, 1000]],
  ];
  for (const [name, state, counts] of cases) {
    it(`gives what plain JavaScript gives: ${name}`, () => {
      const width = state.layers[0].inputs;
      const wasm = mlpOnEncoded(state, 'wasm');
      const plain = mlpOnEncoded(state, 'plain');
      for (const count of counts) {
        const x = rows(count, width);
        const expected = plain(x, count);
        expect(expected.length).toBe(count * state.layers[state.layers.length - 1].outputs);
        expectClose(wasm(x, count), expected, 1e-12);
        // A second call on the same memory gives the same again.
        expectClose(wasm(x, count), expected, 1e-12);
      }
    });
  }

  it('keeps rows apart: a row scored alone equals it scored in a batch', () => {
    const state = network([7, 5, 3], 'relu', 'softmax');
    const forward = mlpOnEncoded(state, 'wasm');
    const x = rows(301, 7);
    const batch = forward(x, 301);
    for (const i of [0, 1, 255, 256, 300]) {
      expect(Array.from(forward(x.subarray(i * 7, i * 7 + 7), 1))).toEqual(
        Array.from(batch.subarray(i * 3, i * 3 + 3)),
      );
    }
  });
});
