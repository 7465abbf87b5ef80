/** Moving aelab's plain Float32 tensors and neutral weights in and out of tfjs. */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode, formatShape, type Float32Tensor } from "@aelab/core";

/** Checks `x` is a batch `[N, ...sample]` with N ≥ 1, in the Keras style. */
export function checkBatch(x: Float32Tensor, sample: readonly number[], what: string): void {
  const ok = x.shape.length === sample.length + 1 && x.shape[0] >= 1 && sample.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    throw new AelabError(
      ErrorCode.ShapeMismatch,
      `${what} must be a batch of shape [N,${sample.join(",")}] with N ≥ 1. Received: shape ${formatShape(x.shape)}`,
      {
        details: { expected: sample, received: x.shape },
      },
    );
  }
  if (x.data.length !== x.shape.reduce((a, b) => a * b, 1)) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `${what} data length must equal the product of its shape ${formatShape(x.shape)}. Received: length=${x.data.length}`,
    );
  }
}

/** A tfjs tensor over `data` (tfjs-cpu keeps the array itself, so pass a copy if it may change). */
export function toTf(data: Float32Array, shape: readonly number[]): tf.Tensor {
  return tf.tensor(data, [...shape], "float32");
}

/** Reads a tensor back as a fresh Float32Array (tfjs-cpu would otherwise hand out its own buffer). */
export async function readFloat32(t: tf.Tensor): Promise<Float32Tensor> {
  const values = await t.data();
  return { data: Float32Array.from(values as Float32Array), shape: [...t.shape] };
}
