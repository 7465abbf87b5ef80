/**
 * Base64 of little-endian float32 bytes (how the evaluation artifact stores
 * images) to a Float32Array, in the browser and in Node. Every platform the
 * dashboard runs on is little-endian, like the trainer that wrote the bytes.
 */
export function float32FromBase64(text: string): Float32Array {
  const binary = atob(text);
  if (binary.length % 4 !== 0) throw new Error(`Expected base64 of float32 bytes (a multiple of 4). Received: ${binary.length} bytes`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
