/**
 * How parameters are laid out inside the training graphs. The neutral weights
 * are channels-last (Keras); the graphs keep 4-D kernels in ONNX's own layouts
 * so that no Transpose of a parameter runs in a step:
 * - conv2d kernel [kh, kw, in, out] → Conv weight [out, in, kh, kw];
 * - conv2dTranspose kernel [kh, kw, out, in] → ConvTranspose weight [in, out, kh, kw];
 * - dense kernels and biases are stored as they are.
 * The graphs take all parameters as one float32 vector (each flattened in that
 * layout at its offset; see `toParameterVector`), so the optimiser updates it
 * with a few ops in all. A trainer converts once when it starts and once per
 * `getWeights`.
 */
import { weightsMap, type NamedTensor, type NeutralWeights } from "@aelab/core";

/** [a, b, c, d] → [d, c, a, b] (both 4-D kernel kinds use the same permutation). */
function forward4(data: Float32Array, [a, b, c, d]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  let o = 0;
  for (let l = 0; l < d; l++)
    for (let k = 0; k < c; k++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[o++] = data[((i * b + j) * c + k) * d + l];
  return out;
}

/** [d, c, a, b] → [a, b, c, d]: the inverse of `forward4`, given the neutral shape [a, b, c, d]. */
function backward4(data: Float32Array, [a, b, c, d]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  let o = 0;
  for (let l = 0; l < d; l++)
    for (let k = 0; k < c; k++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[((i * b + j) * c + k) * d + l] = data[o++];
  return out;
}

/** The graph shape of a parameter whose neutral shape is `shape`. */
export function graphParameterShape(shape: readonly number[]): number[] {
  return shape.length === 4 ? [shape[3], shape[2], shape[0], shape[1]] : [...shape];
}

/**
 * A neutral parameter in the training graphs' layout (a new array).
 *
 * @example
 * const feed = toGraphLayout(weightsMap(weights).get("encoder.0.kernel")!); // [out, in, kh, kw]
 */
export function toGraphLayout(tensor: NamedTensor): { shape: number[]; data: Float32Array } {
  const data = tensor.shape.length === 4 ? forward4(tensor.data, tensor.shape) : tensor.data.slice();
  return { shape: graphParameterShape(tensor.shape), data };
}

/** The inverse of `toGraphLayout`: graph-layout values of a parameter back to its neutral shape (a new array). */
export function fromGraphLayout(name: string, neutralShape: readonly number[], data: Float32Array): NamedTensor {
  const values = neutralShape.length === 4 ? backward4(data, [...neutralShape]) : data.slice();
  return { name, shape: [...neutralShape], data: values };
}

/** Where one parameter sits in the parameter vector. */
export interface ParameterSlot {
  name: string;
  neutralShape: readonly number[];
  offset: number;
  size: number;
}

/**
 * The parameter vector of neutral weights: each of `slots` in the graph layout at its offset.
 *
 * @example
 * const vector = toParameterVector(io.parameters, weights); // feed as io.parameterVector.input
 */
export function toParameterVector(slots: readonly ParameterSlot[], weights: NeutralWeights): Float32Array {
  const byName = weightsMap(weights);
  const size = slots.reduce((n, s) => Math.max(n, s.offset + s.size), 0);
  const vector = new Float32Array(size);
  for (const s of slots) vector.set(toGraphLayout(byName.get(s.name) as NamedTensor).data, s.offset);
  return vector;
}

/** The inverse of `toParameterVector`: every parameter in its neutral shape (new arrays). */
export function fromParameterVector(slots: readonly ParameterSlot[], vector: Float32Array): NamedTensor[] {
  return slots.map((s) => fromGraphLayout(s.name, s.neutralShape, vector.subarray(s.offset, s.offset + s.size)));
}
