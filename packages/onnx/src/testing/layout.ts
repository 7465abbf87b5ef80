/**
 * Data helpers for tests: seeded random tensors and weights. The layout
 * transposes live in core (`nhwcToNchw`, `nchwToNhwc`) and are re-exported here.
 */
import { Random, initializeWeights, shapeSize, type AutoencoderSpec, type Float32Tensor, type NeutralWeights } from "@aelab/core";

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
