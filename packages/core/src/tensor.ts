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

function permute4(t: Float32Tensor, perm: readonly [number, number, number, number]): Float32Tensor {
  const src = t.shape;
  const dst = perm.map((p) => src[p]);
  const srcStrides = [src[1] * src[2] * src[3], src[2] * src[3], src[3], 1];
  const [s0, s1, s2, s3] = perm.map((p) => srcStrides[p]);
  const out = new Float32Array(t.data.length);
  let o = 0;
  for (let a = 0; a < dst[0]; a++)
    for (let b = 0; b < dst[1]; b++)
      for (let c = 0; c < dst[2]; c++) {
        const base = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < dst[3]; d++) out[o++] = t.data[base + d * s3];
      }
  return { data: out, shape: dst };
}

/**
 * Channels-last to channels-first: [batch, h, w, c] → [batch, c, h, w], the
 * layout of an ONNX file exported with `layout: "nchw"`. Other ranks are
 * returned unchanged (dense inputs and codes have no channel axis).
 */
export function nhwcToNchw(t: Float32Tensor): Float32Tensor {
  return t.shape.length === 4 ? permute4(t, [0, 3, 1, 2]) : t;
}

/** Channels-first to channels-last: [batch, c, h, w] → [batch, h, w, c]; other ranks unchanged. */
export function nchwToNhwc(t: Float32Tensor): Float32Tensor {
  return t.shape.length === 4 ? permute4(t, [0, 2, 3, 1]) : t;
}
