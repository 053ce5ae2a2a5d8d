/**
 * Float32 arrays as base64 text: a model bundle is plain JSON, and a
 * nearest-neighbour model keeps every training row — as JSON numbers that
 * is three to four times the bytes. Uses btoa/atob, which browsers and
 * Node both have.
 */
export function packFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(i + chunk, bytes.length)));
  }
  return btoa(binary);
}

/** The array packFloat32 made, or undefined when the text is not one. */
export function unpackFloat32(text: unknown): Float32Array | undefined {
  if (typeof text !== 'string') return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  if (binary.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
