/** Test helpers: a temp dir per test file (nested names create folders), and writers for small IDX / NPY files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "vitest";
import { isAelabError } from "@aelab/core";

export function tempDir(): { path: (name: string) => string; write: (name: string, bytes: Uint8Array | string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "aelab-data-"));
  return {
    path: (name) => join(dir, name),
    write: (name, bytes) => {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function gzip(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

/** Builds an IDX file; `values` are written with the given dtype, big-endian. */
export function idxBytes(dtype: number, dims: number[], values: number[]): Uint8Array {
  const size = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 }[dtype] ?? 1;
  const out = new Uint8Array(4 + 4 * dims.length + size * values.length);
  const view = new DataView(out.buffer);
  out[2] = dtype;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const start = 4 + 4 * dims.length;
  values.forEach((v, i) => {
    const o = start + size * i;
    if (dtype === 0x08) view.setUint8(o, v);
    else if (dtype === 0x09) view.setInt8(o, v);
    else if (dtype === 0x0b) view.setInt16(o, v, false);
    else if (dtype === 0x0c) view.setInt32(o, v, false);
    else if (dtype === 0x0d) view.setFloat32(o, v, false);
    else view.setFloat64(o, v, false);
  });
  return out;
}

/** Builds an NPY file from a raw header dict string and already-encoded data bytes. */
export function npyBytes(headerDict: string, data: Uint8Array, version = 1): Uint8Array {
  const lenSize = version === 1 ? 2 : 4;
  const pre = 8 + lenSize;
  let header = headerDict;
  const total = pre + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(pre + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (lenSize === 2) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(data, pre + header.length);
  return out;
}

/** Encodes float values as `<f4`, `>f4`, `<f8` or `>f8`. */
export function floatBytes(values: number[], bytes: 4 | 8, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (bytes === 4 ? view.setFloat32(i * 4, v, littleEndian) : view.setFloat64(i * 8, v, littleEndian)));
  return out;
}

/** Asserts `fn` throws INVALID_DATA naming the file, matching `where`, ending with `Received: …`. */
export function expectDataError(fn: () => unknown, file: string, where: RegExp, received?: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isAelabError(error, "INVALID_DATA"), String(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain(file);
  expect(message).toMatch(where);
  expect(message).toMatch(/Received: [^\n]+$/);
  if (received) expect(message.slice(message.lastIndexOf("Received: "))).toMatch(received);
}
