/**
 * Training-time input corruption for denoising autoencoders, drawn from core's
 * seeded generator in plain JS, so it is the same on every tfjs backend.
 * - gaussian: x + stddev · N(0, 1);
 * - masking: each value is set to 0 with probability `rate` (no rescaling).
 */
import type { AutoencoderSpec, Random } from "@aelab/core";

/** The corrupted input, or `data` itself when the spec has no noise. */
export function applyNoise(spec: AutoencoderSpec, data: Float32Array, rng: Random): Float32Array {
  const noise = spec.noise;
  if (!noise) return data;
  const out = new Float32Array(data.length);
  if (noise.type === "gaussian") {
    for (let i = 0; i < data.length; i++) out[i] = data[i] + noise.stddev * rng.normal();
  } else {
    for (let i = 0; i < data.length; i++) out[i] = rng.next() < noise.rate ? 0 : data[i];
  }
  return out;
}
