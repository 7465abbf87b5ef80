/**
 * The one implementation of a spec's `input.scaling` (see `inputScalingSchema`):
 * how raw user values become the model's input. The data loaders use the `unit`
 * rule on whole files; `aelab serve` applies `scaleInput` to every request, so a
 * served model sees exactly what it was trained on.
 */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import type { InputScaling } from "./spec.ts";
import { shapeSize, type Float32Tensor } from "./tensor.ts";

/** What the `unit` rule makes of some values: already in [0, 1], integer pixels in [0, 255] (divide by 255), or neither. */
export type UnitRange = { kind: "unit" } | { kind: "bytes" } | { kind: "outside"; min: number; max: number };

/**
 * Classifies `data[start, end)` for the `unit` rule. Values that are all in
 * [0, 1] are `unit` (so an all-0/1 image counts as already scaled); otherwise
 * values that are all integers in [0, 255] are `bytes`; anything else, NaN
 * included, is `outside`, with the range seen.
 *
 * @example
 * unitRange(Float32Array.of(0, 128, 255)); // { kind: "bytes" }
 */
export function unitRange(data: ArrayLike<number>, start = 0, end = data.length): UnitRange {
  let inUnit = true;
  let bytes = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1)) inUnit = false;
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) bytes = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (inUnit) return { kind: "unit" };
  return bytes ? { kind: "bytes" } : { kind: "outside", min, max };
}

export interface ScaleInputOptions {
  /**
   * Where the channel axis is in one sample, for `standardize`: "last" (the
   * spec's channels-last layout, and any [features] input) or "first" (an NCHW
   * export's [C, H, W] samples). Default "last".
   */
  channelAxis?: "last" | "first";
  /** Names the input in error messages, e.g. "POST /v1/encode inputs". */
  what?: string;
}

function channelOf(sample: readonly number[], axis: "last" | "first"): { channels: number; index: (j: number) => number } {
  if (axis === "first" && sample.length > 1) {
    const spatial = shapeSize(sample.slice(1));
    return { channels: sample[0], index: (j) => Math.floor(j / spatial) };
  }
  const channels = sample[sample.length - 1];
  return { channels, index: (j) => j % channels };
}

function standardizeInto(out: Float32Array, x: Float32Tensor, scaling: Extract<InputScaling, { type: "standardize" }>, options: ScaleInputOptions): void {
  const sample = x.shape.slice(1);
  const { channels, index } = channelOf(sample, options.channelAxis ?? "last");
  for (const key of ["mean", "std"] as const) {
    if (scaling[key].length !== 1 && scaling[key].length !== channels) {
      throw new AelabError(
        ErrorCode.ShapeMismatch,
        `scaling.${key} needs 1 value or one per channel (${channels}) of samples shaped ${formatShape(sample)}. Received: ${scaling[key].length} values`,
      );
    }
  }
  const pick = (list: number[]) => Array.from({ length: channels }, (_, c) => (list.length === 1 ? list[0] : list[c]));
  const mean = pick(scaling.mean);
  const std = pick(scaling.std);
  const d = shapeSize(sample);
  for (let i = 0; i < out.length; i++) {
    const c = index(i % d);
    out[i] = (x.data[i] - mean[c]) / std[c];
  }
}

/**
 * Returns `x` (a batch, samples on the first axis) as the model takes it, as a
 * new tensor:
 * - `unit`: each sample on its own: values all in [0, 1] pass; integers all in
 *   [0, 255] are divided by 255; anything else is `INVALID_INPUT`. Deciding per
 *   sample keeps each sample's answer independent of the rest of its batch.
 * - `none`: values pass unchanged.
 * - `standardize`: `(x − mean[c]) / std[c]` per channel `c` (see `channelAxis`).
 *
 * @example
 * scaleInput({ data: Float32Array.of(0, 51, 255), shape: [1, 3] }, "unit").data; // [0, 0.2, 1]
 */
export function scaleInput(x: Float32Tensor, scaling: InputScaling, options: ScaleInputOptions = {}): Float32Tensor {
  const out = new Float32Array(x.data.length);
  if (typeof scaling === "object") {
    standardizeInto(out, x, scaling, options);
    return { data: out, shape: [...x.shape] };
  }
  out.set(x.data);
  if (scaling === "none") return { data: out, shape: [...x.shape] };
  const d = shapeSize(x.shape.slice(1));
  for (let s = 0; s < x.shape[0]; s++) {
    const range = unitRange(x.data, s * d, (s + 1) * d);
    if (range.kind === "bytes") for (let i = s * d; i < (s + 1) * d; i++) out[i] /= 255;
    if (range.kind === "outside") {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `${options.what ?? "The input"}: the model's input scaling "unit" expects each sample's values in [0, 1], or integers in [0, 255] (divided by 255). ` +
          `Received: sample ${s} with min=${range.min}, max=${range.max}`,
        { details: { sample: s, min: range.min, max: range.max } },
      );
    }
  }
  return { data: out, shape: [...x.shape] };
}
