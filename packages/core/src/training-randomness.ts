/**
 * Every random draw a training step needs (input noise, dropout masks, the VAE's
 * ε), made here in plain TypeScript from core's seeded generator in one fixed
 * order. Backends consume the draws instead of making their own, so a step is
 * the same on every backend given the same seed: the precondition for comparing
 * backends run for run.
 */
import type { ShapeReport } from "./shapes.ts";
import type { AutoencoderSpec } from "./spec.ts";
import { shapeSize } from "./tensor.ts";
import type { Random } from "./random.ts";

export interface TrainingDraws {
  /** The corrupted input (denoising), or undefined when the spec has no noise. */
  input?: Float32Array;
  /**
   * Per dropout layer id (`encoder.2`, …), the multiplier for each value of its
   * input: 0 for dropped values, 1/(1 − rate) for kept ones (inverted dropout).
   */
  dropout: Map<string, Float32Array>;
  /** Standard-normal ε for the VAE's code, [batch, codeSize], or undefined. */
  epsilon?: Float32Array;
}

/**
 * Corrupts a batch for a denoising autoencoder:
 * - gaussian: x + stddev · N(0, 1), then clipped to `clip` when given;
 * - masking: each value is set to 0 with probability `rate` (no rescaling).
 */
export function corruptInput(spec: AutoencoderSpec, data: Float32Array, rng: Random): Float32Array | undefined {
  const noise = spec.noise;
  if (!noise) return undefined;
  const out = new Float32Array(data.length);
  if (noise.type === "gaussian") {
    const [lo, hi] = noise.clip ?? [-Infinity, Infinity];
    for (let i = 0; i < data.length; i++) out[i] = Math.min(hi, Math.max(lo, data[i] + noise.stddev * rng.normal()));
  } else {
    for (let i = 0; i < data.length; i++) out[i] = rng.next() < noise.rate ? 0 : data[i];
  }
  return out;
}

/**
 * Draws, in order, the input noise, each dropout layer's mask (encoder then
 * decoder, by position) and the VAE's ε for one training batch of `batchSize`.
 */
export function drawTrainingRandomness(spec: AutoencoderSpec, shapes: ShapeReport, batch: Float32Array, batchSize: number, rng: Random): TrainingDraws {
  const input = corruptInput(spec, batch, rng);
  const dropout = new Map<string, Float32Array>();
  const drawMasks = (part: "encoder" | "decoder") => {
    for (const info of shapes.layers) {
      if (info.part !== part || info.layer.type !== "dropout") continue;
      const rate = info.layer.rate;
      const keep = 1 / (1 - rate);
      const mask = new Float32Array(batchSize * shapeSize(info.inputShape));
      for (let i = 0; i < mask.length; i++) mask[i] = rng.next() < rate ? 0 : keep;
      dropout.set(info.id, mask);
    }
  };
  drawMasks("encoder");
  let epsilon: Float32Array | undefined;
  if (spec.variational) {
    epsilon = new Float32Array(batchSize * shapes.codeSize);
    for (let i = 0; i < epsilon.length; i++) epsilon[i] = rng.normal();
  }
  drawMasks("decoder");
  return { input, dropout, epsilon };
}
