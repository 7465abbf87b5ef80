/**
 * The neutral weights format: named float32 tensors with shapes. A model trained
 * on one backend runs on another, and the exporter reads the same object.
 *
 * Layouts (channels last, as in Keras/TensorFlow.js):
 * - dense kernel `[in, out]`, bias `[out]`;
 * - conv2d kernel `[kh, kw, inChannels, outChannels]`;
 * - conv2dTranspose kernel `[kh, kw, outChannels, inChannels]`.
 *
 * Binary form (`serializeWeights`): "AELW", uint32 version, uint32 header length,
 * a JSON header of `{name, shape}` entries, then the float32 data little-endian.
 */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import { Random } from "./random.ts";
import { parameterInfos } from "./shapes.ts";
import type { AutoencoderSpec } from "./spec.ts";
import { shapeSize } from "./tensor.ts";

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface NeutralWeights {
  format: "aelab-weights/1";
  tensors: NamedTensor[];
}

export function weightsMap(weights: NeutralWeights): Map<string, NamedTensor> {
  return new Map(weights.tensors.map((t) => [t.name, t]));
}

/** Checks that `weights` holds exactly the parameters `spec` needs, with the right shapes. */
export function validateWeights(spec: AutoencoderSpec, weights: NeutralWeights): void {
  const byName = weightsMap(weights);
  const expected = parameterInfos(spec);
  for (const p of expected) {
    const t = byName.get(p.name);
    if (!t) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `Weights are missing parameter ${p.name} ${formatShape(p.shape)}. Received: ${[...byName.keys()].join(", ") || "no tensors"}`,
      );
    }
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]) || t.data.length !== shapeSize(p.shape)) {
      throw new AelabError(
        ErrorCode.ShapeMismatch,
        `Parameter ${p.name} must have shape ${formatShape(p.shape)}. Received: shape ${formatShape(t.shape)} with ${t.data.length} values`,
      );
    }
  }
  if (byName.size !== expected.length) {
    const extra = [...byName.keys()].filter((n) => !expected.some((p) => p.name === n));
    throw new AelabError(ErrorCode.InvalidInput, `Weights hold parameters the spec does not use. Received: ${extra.join(", ")}`);
  }
}

/**
 * Deterministic initial weights for a spec: Glorot-uniform or He-uniform kernels
 * and zero biases. Every backend starts from these, so runs agree across backends.
 */
export function initializeWeights(spec: AutoencoderSpec, seed: number): NeutralWeights {
  const rng = new Random(seed);
  const tensors = parameterInfos(spec).map((p): NamedTensor => {
    const data = new Float32Array(shapeSize(p.shape));
    if (p.role === "kernel") {
      const limit = spec.initializer === "he" ? Math.sqrt(6 / p.fanIn) : Math.sqrt(6 / (p.fanIn + p.fanOut));
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-limit, limit);
    }
    return { name: p.name, shape: [...p.shape], data };
  });
  return { format: "aelab-weights/1", tensors };
}

const MAGIC = 0x574c4541; // "AELW" little-endian

export function serializeWeights(weights: NeutralWeights): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(weights.tensors.map((t) => ({ name: t.name, shape: t.shape }))));
  const headerPadded = Math.ceil(header.length / 4) * 4;
  const total = weights.tensors.reduce((n, t) => n + t.data.length, 0);
  const out = new Uint8Array(12 + headerPadded + total * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  let offset = 12 + headerPadded;
  for (const t of weights.tensors) {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(offset + i * 4, t.data[i], true);
    offset += t.data.length * 4;
  }
  return out;
}

export function deserializeWeights(bytes: Uint8Array, source = "weights"): NeutralWeights {
  const fail = (what: string): never => {
    throw new AelabError(ErrorCode.InvalidData, `${source}: not a valid aelab weights file: ${what}. Received: ${bytes.length} bytes`);
  };
  if (bytes.length < 12) fail("shorter than the 12-byte preamble");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) fail("bad magic at offset 0 (expected AELW)");
  if (view.getUint32(4, true) !== 1) fail(`unsupported version ${view.getUint32(4, true)} at offset 4`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) fail(`header length ${headerLength} at offset 8 runs past the end`);
  let entries: { name: string; shape: number[] }[] = [];
  try {
    entries = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch (cause) {
    fail(`header JSON at offset 12 does not parse (${String(cause)})`);
  }
  let offset = 12 + Math.ceil(headerLength / 4) * 4;
  const tensors = entries.map((e) => {
    const n = shapeSize(e.shape);
    if (offset + n * 4 > bytes.length) fail(`tensor ${e.name} ${formatShape(e.shape)} at offset ${offset} is truncated`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(offset + i * 4, true);
    offset += n * 4;
    return { name: e.name, shape: e.shape, data };
  });
  if (offset !== bytes.length) fail(`${bytes.length - offset} trailing bytes after the last tensor`);
  return { format: "aelab-weights/1", tensors };
}

/** SHA-256 of the serialised weights, as hex (WebCrypto: Node ≥ 20 and browsers). */
export async function hashWeights(weights: NeutralWeights): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", serializeWeights(weights) as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
