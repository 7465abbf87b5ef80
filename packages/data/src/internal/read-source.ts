/**
 * Shared plumbing for the file loaders: reading (and un-gzipping) a file, and
 * building `INVALID_DATA` errors that name the file and where in it things went wrong.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { AelabError, ErrorCode, unitRange } from "@aelab/core";

/** Throws an `INVALID_DATA` error: `<file>: <where>: <expected>. Received: <received>`. */
export function dataError(file: string, where: string, expected: string, received: string, cause?: unknown): AelabError {
  return new AelabError(ErrorCode.InvalidData, `${file}: ${where}: ${expected}. Received: ${received}`, {
    cause,
    details: { file, where },
  });
}

/** Reads a file; gunzips it when it starts with the gzip magic 1f 8b, whatever its extension. */
export function readSource(file: string): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (cause) {
    throw dataError(file, "offset 0", "expected a readable file", (cause as NodeJS.ErrnoException).code ?? String(cause), cause);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    let out: Buffer;
    try {
      out = gunzipSync(raw);
    } catch (cause) {
      throw dataError(file, "gzip stream (compressed offset 0)", "expected a valid gzip stream", (cause as Error).message, cause);
    }
    // Without this, the inner stream's bytes would be parsed as the format's header.
    if (out.length >= 2 && out[0] === 0x1f && out[1] === 0x8b) {
      throw dataError(
        file,
        "gzip stream (uncompressed offset 0)",
        "expected one layer of gzip compression",
        "another gzip stream inside it (the file was compressed twice)",
      );
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

export type Scaling = "unit" | "none";

/**
 * Applies `scaling` in place. "unit": integer pixel data (uint8, or values that are
 * all integers in [0, 255]) is divided by 255; data already in [0, 1] is left as is;
 * anything else is an error, since guessing a range would silently change the data.
 * The rule is core's `unitRange` (which `aelab serve` applies per sample).
 */
export function applyScaling(data: Float32Array, scaling: Scaling, file: string, isUint8: boolean): void {
  if (scaling === "none") return;
  if (isUint8) {
    for (let i = 0; i < data.length; i++) data[i] /= 255;
    return;
  }
  const range = unitRange(data);
  if (range.kind === "unit") return;
  if (range.kind === "bytes") {
    for (let i = 0; i < data.length; i++) data[i] /= 255;
    return;
  }
  throw dataError(
    file,
    "values",
    'scaling "unit" expects values in [0, 1] or integers in [0, 255]; pass scaling: "none" to keep them',
    `min=${range.min}, max=${range.max}`,
  );
}
