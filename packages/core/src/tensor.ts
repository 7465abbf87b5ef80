import { AelabError, ErrorCode, formatShape } from "./errors.ts";

/** A dense float32 tensor in row-major (C) order, channels last (NHWC) for images. */
export interface Float32Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function tensor(data: Float32Array, shape: readonly number[]): Float32Tensor {
  if (shapeSize(shape) !== data.length) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `Tensor data length must equal the product of its shape ${formatShape(shape)} (${shapeSize(shape)}). Received: length=${data.length}`,
    );
  }
  return { data, shape: [...shape] };
}

/** Rows [start, end) of a batch tensor (first axis), sharing no memory with the source. */
export function sliceBatch(t: Float32Tensor, start: number, end: number): Float32Tensor {
  const row = shapeSize(t.shape.slice(1));
  return { data: t.data.slice(start * row, end * row), shape: [end - start, ...t.shape.slice(1)] };
}

/** Gathers the given rows (first axis) into a new tensor. */
export function gatherRows(t: Float32Tensor, rows: ArrayLike<number>): Float32Tensor {
  const row = shapeSize(t.shape.slice(1));
  const out = new Float32Array(rows.length * row);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    out.set(t.data.subarray(r * row, (r + 1) * row), i * row);
  }
  return { data: out, shape: [rows.length, ...t.shape.slice(1)] };
}

export function maxAbsDiff(a: Float32Tensor, b: Float32Tensor): number {
  if (a.data.length !== b.data.length) {
    throw new AelabError(ErrorCode.ShapeMismatch, `Cannot compare tensors of different sizes: ${formatShape(a.shape)} vs ${formatShape(b.shape)}.`);
  }
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}
