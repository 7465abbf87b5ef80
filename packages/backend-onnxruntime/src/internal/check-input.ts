/**
 * Checks a batch before it reaches ONNX Runtime: float32 data, the expected
 * sample shape, a matching length, and no NaN or infinity. Every failure is an
 * `INVALID_INPUT` error in the Keras style.
 *
 * The float64 rule: a `Float64Array` batch is converted to float32 by rounding
 * each value to the nearest float32 (`Math.fround`, IEEE round-half-to-even),
 * the same as `new Float32Array(float64Data)`. A finite value whose magnitude
 * rounds past float32's range (|x| ≥ 2^128 − 2^103, about 3.4e38) would become
 * infinity and is refused instead. Every other dtype (integer arrays, plain
 * arrays) is refused: scale integer pixels yourself, as the model's
 * `input.scaling` says.
 */
import { AelabError, ErrorCode, describeValue, formatShape, shapeSize, type Float32Tensor } from "@aelab/core";

function fail(what: string, sample: readonly number[], received: string): never {
  throw new AelabError(
    ErrorCode.InvalidInput,
    `${what} expects a float32 batch of shape [batch,${sample.join(",")}] (${shapeSize(sample)} values per sample). Received: ${received}`,
    { details: { expectedSampleShape: [...sample] } },
  );
}

/**
 * @param options.finite check every value (default true). The trainer skips it:
 * a non-finite training value shows as a non-finite loss, which the training
 * loop reports, as with the tfjs trainer.
 */
export function checkBatch(x: unknown, sample: readonly number[], what: string, options: { finite?: boolean } = {}): Float32Tensor {
  if (typeof x !== "object" || x === null) fail(what, sample, describeValue(x));
  const { data, shape } = x as { data?: unknown; shape?: unknown };
  if (data instanceof Float64Array) return checkBatch({ data: toFloat32(data, what), shape }, sample, what, options);
  if (!(data instanceof Float32Array)) {
    const kind = data === undefined ? "no data" : ArrayBuffer.isView(data) ? `${data.constructor.name} data` : `data ${describeValue(data)}`;
    fail(what, sample, `${kind} (float32 and float64 are accepted)`);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(what, sample, `shape ${describeValue(shape)}`);
  const dims = shape as number[];
  const fits = dims.length === sample.length + 1 && dims[0] >= 1 && sample.every((d, i) => dims[i + 1] === d);
  if (!fits) fail(what, sample, `shape ${formatShape(dims)}`);
  if (data.length !== shapeSize(dims)) fail(what, sample, `shape ${formatShape(dims)} with data length=${data.length} (expected ${shapeSize(dims)})`);
  for (let i = 0; options.finite !== false && i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `${what} expects finite input values (no NaN or infinity). Received: ${data[i]} at index ${i} (sample ${Math.floor(i / shapeSize(sample))}) of shape ${formatShape(dims)}`,
        { details: { index: i } },
      );
    }
  }
  return { data, shape: dims };
}

function toFloat32(data: Float64Array, what: string): Float32Array {
  const out = new Float32Array(data);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]) && Number.isFinite(data[i])) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `${what} converts float64 input to float32, and this value is outside float32's range (|x| < 3.4028235e38). Received: ${data[i]} at index ${i}`,
        { details: { index: i } },
      );
    }
  }
  return out;
}
