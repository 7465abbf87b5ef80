/** Reconstruction metrics and the trivial baselines every run is judged against. */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import { shapeSize, type Float32Tensor } from "./tensor.ts";

/** Probabilities are clipped to [EPS, 1-EPS] so BCE stays finite (Keras uses 1e-7). */
export const BCE_EPSILON = 1e-7;

function rows(x: Float32Tensor, y: Float32Tensor): { n: number; d: number } {
  if (x.data.length !== y.data.length) {
    throw new AelabError(
      ErrorCode.ShapeMismatch,
      `Reconstruction ${formatShape(y.shape)} must match input ${formatShape(x.shape)}. Received: ${y.data.length} vs ${x.data.length} values`,
    );
  }
  const d = shapeSize(x.shape.slice(1));
  return { n: x.shape[0], d };
}

/** Mean squared error of each sample: the anomaly score. */
export function perSampleMse(x: Float32Tensor, reconstruction: Float32Tensor): Float32Array {
  const { n, d } = rows(x, reconstruction);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * d; j < (i + 1) * d; j++) {
      const e = x.data[j] - reconstruction.data[j];
      s += e * e;
    }
    out[i] = s / d;
  }
  return out;
}

/** Mean binary cross-entropy of each sample, with clipped probabilities. */
export function perSampleBce(x: Float32Tensor, reconstruction: Float32Tensor): Float32Array {
  const { n, d } = rows(x, reconstruction);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * d; j < (i + 1) * d; j++) {
      const p = Math.min(Math.max(reconstruction.data[j], BCE_EPSILON), 1 - BCE_EPSILON);
      const t = x.data[j];
      s -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    }
    out[i] = s / d;
  }
  return out;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? Number.NaN : s / values.length;
}

/** The mean training image, and its MSE on the validation set: the floor any model must beat. */
export function meanImageBaseline(train: Float32Tensor, validation: Float32Tensor): { meanImage: Float32Array; mse: number } {
  const d = shapeSize(train.shape.slice(1));
  const n = train.shape[0];
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) acc[j] += train.data[i * d + j];
  const meanImage = new Float32Array(d);
  for (let j = 0; j < d; j++) meanImage[j] = acc[j] / n;
  const m = validation.shape[0];
  const tiled = new Float32Array(m * d);
  for (let i = 0; i < m; i++) tiled.set(meanImage, i * d);
  return { meanImage, mse: mean(perSampleMse(validation, { data: tiled, shape: validation.shape })) };
}
