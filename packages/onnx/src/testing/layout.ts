/**
 * Layout and data helpers for tests: channels-last ⇄ channels-first batches,
 * seeded random tensors and weights.
 */
import { Random, initializeWeights, shapeSize, type AutoencoderSpec, type Float32Tensor, type NeutralWeights } from "@aelab/core";

function permute4(t: Float32Tensor, perm: [number, number, number, number]): Float32Tensor {
  const src = t.shape;
  const dst = perm.map((p) => src[p]);
  const srcStrides = [src[1] * src[2] * src[3], src[2] * src[3], src[3], 1];
  const out = new Float32Array(t.data.length);
  let o = 0;
  for (let a = 0; a < dst[0]; a++)
    for (let b = 0; b < dst[1]; b++)
      for (let c = 0; c < dst[2]; c++)
        for (let d = 0; d < dst[3]; d++) {
          const idx = [a, b, c, d];
          let s = 0;
          for (let k = 0; k < 4; k++) s += idx[k] * srcStrides[perm[k]];
          out[o++] = t.data[s];
        }
  return { data: out, shape: dst };
}

/** [batch, h, w, c] → [batch, c, h, w]; other ranks are returned unchanged. */
export function nhwcToNchw(t: Float32Tensor): Float32Tensor {
  return t.shape.length === 4 ? permute4(t, [0, 3, 1, 2]) : t;
}

/** [batch, c, h, w] → [batch, h, w, c]; other ranks are returned unchanged. */
export function nchwToNhwc(t: Float32Tensor): Float32Tensor {
  return t.shape.length === 4 ? permute4(t, [0, 2, 3, 1]) : t;
}

/** A seeded uniform tensor in [low, high). */
export function randomTensor(shape: readonly number[], seed: number, low = 0, high = 1): Float32Tensor {
  const rng = new Random(seed);
  const data = new Float32Array(shapeSize(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return { data, shape: [...shape] };
}

/** `initializeWeights` with seeded random (not zero) biases, so parity tests also check where biases land. */
export function testWeights(spec: AutoencoderSpec, seed: number): NeutralWeights {
  const weights = initializeWeights(spec, seed);
  const rng = new Random(seed + 1);
  for (const t of weights.tensors) {
    if (t.name.endsWith(".bias")) for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform(-0.5, 0.5);
  }
  return weights;
}
