/**
 * Per-channel standardisation: statistics fitted on the training split only (so
 * nothing leaks from validation or test), returned as the core `standardize`
 * scaling so the model records it and export and serving apply the same step.
 */
import { AelabError, ErrorCode, type Float32Tensor, type InputScaling } from "@aelab/core";

export type Standardization = Extract<InputScaling, { type: "standardize" }>;

/** Below this a channel counts as constant and keeps std 1 (scikit-learn does the same for zero variance). */
const MIN_STD = 1e-8;

/**
 * Mean and population standard deviation per channel of the last axis: one per
 * colour channel for [N, H, W, C] images, one per feature for [N, features] rows.
 * Sums are taken in float64.
 *
 * @example
 * const scaling = fitStandardization(split.train); // { type: "standardize", mean: [72.9], std: [90.0] }
 * const validation = standardize(split.validation, scaling);
 */
export function fitStandardization(train: Float32Tensor): Standardization {
  const n = train.shape[0];
  const channels = train.shape.length > 1 ? train.shape[train.shape.length - 1] : 1;
  if (!(n > 0) || train.data.length === 0) {
    throw new AelabError(ErrorCode.InvalidData, `Standardisation needs at least one training sample. Received: shape [${train.shape.join(",")}]`);
  }
  const sum = new Float64Array(channels);
  const d = train.data;
  for (let i = 0; i < d.length; i++) sum[i % channels] += d[i];
  const count = d.length / channels;
  const mean = Array.from(sum, (s) => s / count);
  const sq = new Float64Array(channels);
  for (let i = 0; i < d.length; i++) {
    const c = i % channels;
    const x = d[i] - mean[c];
    sq[c] += x * x;
  }
  const std = Array.from(sq, (s) => {
    const v = Math.sqrt(s / count);
    return v < MIN_STD ? 1 : v;
  });
  return { type: "standardize", mean, std };
}

/** Returns `(x − mean[c]) / std[c]` as a new tensor; one-entry statistics apply to every channel. */
export function standardize(tensor: Float32Tensor, scaling: Standardization): Float32Tensor {
  const channels = tensor.shape.length > 1 ? tensor.shape[tensor.shape.length - 1] : 1;
  for (const key of ["mean", "std"] as const) {
    if (scaling[key].length !== 1 && scaling[key].length !== channels) {
      throw new AelabError(ErrorCode.ShapeMismatch, `scaling.${key} needs 1 value or one per channel (${channels}). Received: ${scaling[key].length} values`);
    }
  }
  const mean = scaling.mean.length === 1 ? new Array<number>(channels).fill(scaling.mean[0]) : scaling.mean;
  const std = scaling.std.length === 1 ? new Array<number>(channels).fill(scaling.std[0]) : scaling.std;
  const out = new Float32Array(tensor.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    out[i] = (tensor.data[i] - mean[c]) / std[c];
  }
  return { data: out, shape: [...tensor.shape] };
}
