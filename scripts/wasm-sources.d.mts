// The types of wasm-sources.mjs (a plain ES module scripts/wasm.mjs runs as is), for the test that imports it.

/** A WebAssembly text source and the TypeScript module generated from it. */
export interface WasmSource {
  wat: string;
  module: string;
  constant: string;
}

export const WASM_SOURCES: WasmSource[];
/** The binary of a WebAssembly text module (SIMD on). */
export function compileWat(text: string, name: string): Promise<Buffer>;
/** The generated TypeScript module carrying `bytes` as base64. */
export function wasmModuleText(source: WasmSource, bytes: Buffer): string;
