/**
 * The playground's arithmetic, pure so it is tested in Node: what a model
 * must accept to be drawn on, the input scaling in both directions, and the
 * figures shown beside the reconstruction.
 */
import type { InputScaling } from "@aelab/core";
import { MNIST_SIDE } from "./mnist-downsample";

export const PIXELS = MNIST_SIDE * MNIST_SIDE;

/**
 * The drawing is one 28×28 grey channel, so the model must take 784 values in
 * one channel: [28, 28, 1], [1, 28, 28] (channels first), [28, 28] or [784].
 * Returns the reason when it does not.
 */
export function drawableInputProblem(inputShape: readonly number[]): string | null {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const channels = inputShape.length === 3 ? Math.min(inputShape[0], inputShape[2]) : 1;
  if (size === PIXELS && channels === 1) return null;
  return `The playground draws 28×28 grayscale digits, so the model must take 784 values in one channel. Received: input shape [${inputShape.join(", ")}]`;
}

function channelStat(values: readonly number[], what: string): number {
  if (values.length !== 1) throw new Error(`Expected one ${what} for a single-channel model. Received: ${values.length}`);
  return values[0];
}

/**
 * A drawn image (intensities in [0, 1], the unit-scaled pixels the loaders
 * produce) in the model's input space: unchanged for "unit" and "none",
 * `(x − mean) / std` for "standardize".
 */
export function toModelSpace(pixels: Float32Array, scaling: InputScaling): Float32Array {
  if (typeof scaling === "string") return Float32Array.from(pixels);
  const mean = channelStat(scaling.mean, "mean");
  const std = channelStat(scaling.std, "std");
  return pixels.map((v) => (v - mean) / std);
}

/** Model-space values back to displayable intensities in [0, 1] (the inverse of toModelSpace, clamped). */
export function toDisplaySpace(values: Float32Array, scaling: InputScaling): Float32Array {
  const mean = typeof scaling === "string" ? 0 : channelStat(scaling.mean, "mean");
  const std = typeof scaling === "string" ? 1 : channelStat(scaling.std, "std");
  return values.map((v) => Math.min(1, Math.max(0, v * std + mean)));
}

export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number> | null): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - (b ? b[i] : 0)) ** 2;
  return a.length === 0 ? 0 : s / a.length;
}

/** A code's place on the run's code scatter: itself when ≤ 2-d, else its projection on the stored PCA axes. */
export function projectCode(code: ArrayLike<number>, axes: { mean: number[]; components: number[][] } | undefined): [number, number] {
  if (!axes) return [code[0] ?? 0, code[1] ?? 0];
  const along = (axis: number[]) => axis.reduce((s, w, j) => s + (code[j] - axes.mean[j]) * w, 0);
  return [along(axes.components[0]), along(axes.components[1])];
}
