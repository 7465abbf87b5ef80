/**
 * Why this file exists: two tfjs-backend-wasm 4.22 kernels are unusable for
 * training, and these replace them with plain loops over the tensor values
 * (for wasm, `dataSync` is a copy out of the same process memory):
 *
 * - MaxPoolGrad starts its running maximum at `numeric_limits<float>::min()`
 *   (the smallest *positive* float), so a window whose values are all ≤ 0
 *   loses its gradient, and ties go to the last maximum. `maxPoolGradHost`
 *   follows tfjs-backend-cpu: the first maximum of each window gets `dy`.
 * - DepthToSpace is correct but runs a generic index loop at about 70 ns per
 *   value (200+ ms per decoder layer at batch 128); this is ~20× faster.
 *   Channel sums (bias gradients) likewise avoid a generic transpose.
 *
 * Used by the fast layer ops (`ForwardOptions.fast`), on wasm and cpu.
 */
import * as tf from "@tensorflow/tfjs-core";

/** `tf.depthToSpace(x, s)` (NHWC, DCR order) computed on the host. */
export function depthToSpaceHost(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w, depth] = x.shape;
  const c = depth / (s * s);
  const src = x.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  const run = s * c; // one block row of one input pixel is contiguous in both layouts
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      const rowBase = (b * h + i) * w * depth;
      for (let r = 0; r < s; r++) {
        for (let j = 0; j < w; j++) {
          const from = rowBase + j * depth + r * run;
          out.set(src.subarray(from, from + run), o);
          o += run;
        }
      }
    }
  }
  return tf.tensor4d(out, [n, h * s, w * s, c]);
}

/** The gradient of `tf.maxPool(x, pool, strides, pad)` with tfjs-backend-cpu's semantics. */
export function maxPoolGradHost(x: tf.Tensor4D, dy: tf.Tensor4D, pool: [number, number], strides: [number, number], pad: "same" | "valid"): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(x.shape, pool, strides, 1, pad);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: ph, filterWidth: pw } = info;
  const { top, left } = info.padInfo;
  const xs = x.dataSync() as Float32Array;
  const dys = dy.dataSync() as Float32Array;
  const dx = new Float32Array(xs.length);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      const r0 = Math.max(0, i * sh - top);
      const r1 = Math.min(h, i * sh - top + ph);
      for (let j = 0; j < ow; j++) {
        const c0 = Math.max(0, j * sw - left);
        const c1 = Math.min(w, j * sw - left + pw);
        const dyBase = ((b * oh + i) * ow + j) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let r = r0; r < r1; r++) {
            for (let q = c0; q < c1; q++) {
              const idx = ((b * h + r) * w + q) * c + ch;
              if (xs[idx] > best || at < 0) {
                best = xs[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] += dys[dyBase + ch];
        }
      }
    }
  }
  return tf.tensor4d(dx, x.shape);
}

/** Σ over every axis but the last of `x` (whose last axis has `c` channels), as a [c] tensor. */
export function channelSumsHost(x: tf.Tensor, c: number): tf.Tensor1D {
  const values = x.dataSync() as Float32Array;
  const sums = new Float64Array(c);
  for (let i = 0; i < values.length; i += c) {
    for (let k = 0; k < c; k++) sums[k] += values[i + k];
  }
  return tf.tensor1d(Float32Array.from(sums));
}
