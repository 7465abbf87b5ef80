/**
 * Checks a batch before it reaches ONNX Runtime: float32 data, the expected
 * sample shape, a matching length, and no NaN or infinity. Every failure is an
 * `INVALID_INPUT` error in the Keras style.
 */
import { AelabError, ErrorCode, describeValue, formatShape, shapeSize, type Float32Tensor } from "@aelab/core";

function fail(what: string, sample: readonly number[], received: string): never {
  throw new AelabError(
    ErrorCode.InvalidInput,
    `${what} expects a float32 batch of shape [batch,${sample.join(",")}] (${shapeSize(sample)} values per sample). Received: ${received}`,
    { details: { expectedSampleShape: [...sample] } },
  );
}

export function checkBatch(x: unknown, sample: readonly number[], what: string): Float32Tensor {
  if (typeof x !== "object" || x === null) fail(what, sample, describeValue(x));
  const { data, shape } = x as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array)) {
    const kind = data === undefined ? "no data" : ArrayBuffer.isView(data) ? `${data.constructor.name} data` : `data ${describeValue(data)}`;
    fail(what, sample, kind);
  }
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(what, sample, `shape ${describeValue(shape)}`);
  const dims = shape as number[];
  const fits = dims.length === sample.length + 1 && dims[0] >= 1 && sample.every((d, i) => dims[i + 1] === d);
  if (!fits) fail(what, sample, `shape ${formatShape(dims)}`);
  if (data.length !== shapeSize(dims)) fail(what, sample, `shape ${formatShape(dims)} with data length=${data.length} (expected ${shapeSize(dims)})`);
  for (let i = 0; i < data.length; i++) {
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
