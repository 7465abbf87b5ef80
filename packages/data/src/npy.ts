/** Loader for NumPy `.npy` files (format versions 1, 2 and 3), raw or gzipped. */
import type { Dataset } from "./dataset.ts";
import { applyScaling, dataError, readSource } from "./internal/read-source.ts";
import type { Scaling } from "./internal/read-source.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

const DTYPES: Record<string, { size: number; read: (v: DataView, o: number) => number }> = {
  "|u1": { size: 1, read: (v, o) => v.getUint8(o) },
  "|i1": { size: 1, read: (v, o) => v.getInt8(o) },
  "<u2": { size: 2, read: (v, o) => v.getUint16(o, true) },
  ">u2": { size: 2, read: (v, o) => v.getUint16(o, false) },
  "<i2": { size: 2, read: (v, o) => v.getInt16(o, true) },
  ">i2": { size: 2, read: (v, o) => v.getInt16(o, false) },
  "<i4": { size: 4, read: (v, o) => v.getInt32(o, true) },
  ">i4": { size: 4, read: (v, o) => v.getInt32(o, false) },
  "<i8": { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  ">i8": { size: 8, read: (v, o) => Number(v.getBigInt64(o, false)) },
  "<f4": { size: 4, read: (v, o) => v.getFloat32(o, true) },
  ">f4": { size: 4, read: (v, o) => v.getFloat32(o, false) },
  "<f8": { size: 8, read: (v, o) => v.getFloat64(o, true) },
  ">f8": { size: 8, read: (v, o) => v.getFloat64(o, false) },
};

/** Reads the magic, version and the Python-literal header dict. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const got = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw dataError(file, "offset 0", "expected the NPY magic 93 4e 55 4d 50 59 (\\x93NUMPY) and a version", got || "empty file");
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let lenSize: number;
  if (major === 1) lenSize = 2;
  else if (major === 2 || major === 3) lenSize = 4;
  else throw dataError(file, "offset 6", "expected NPY format version 1, 2 or 3", `${major}.${bytes[7]}`);
  if (bytes.length < 8 + lenSize) throw dataError(file, "offset 8", "expected the header length", `file ends at ${bytes.length} bytes`);
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  const dataOffset = start + headerLen;
  if (bytes.length < dataOffset)
    throw dataError(file, `offset ${bytes.length}`, `expected a ${headerLen}-byte header ending at offset ${dataOffset}`, `file ends at ${bytes.length} bytes`);
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, dataOffset));
  return { ...parseHeaderDict(text, file), dataOffset };
}

function parseHeaderDict(text: string, file: string): Omit<NpyHeader, "dataOffset"> {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (!descr) throw dataError(file, "header field 'descr'", "expected a 'descr' dtype string", JSON.stringify(text.trim()));
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) throw dataError(file, "header field 'fortran_order'", "expected 'fortran_order': True or False", JSON.stringify(text.trim()));
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shape) throw dataError(file, "header field 'shape'", "expected a 'shape' tuple", JSON.stringify(text.trim()));
  const parts = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (parts.some((p) => !/^\d+L?$/.test(p))) throw dataError(file, "header field 'shape'", "expected non-negative integer dimensions", `(${shape[1]})`);
  return { descr: descr[1], fortranOrder: fortran[1] === "True", shape: parts.map((p) => parseInt(p, 10)) };
}

/** Index of each C-order element in Fortran-order storage. */
function fortranIndex(shape: number[], cIndex: number): number {
  let rem = cIndex;
  let offset = 0;
  let stride = 1;
  const coords = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = rem % shape[d];
    rem = Math.floor(rem / shape[d]);
  }
  for (let d = 0; d < shape.length; d++) {
    offset += coords[d] * stride;
    stride *= shape[d];
  }
  return offset;
}

export interface LoadNpyOptions {
  /** Default "unit": `|u1` divided by 255; other data must already be in [0, 1] or be integers in [0, 255]. */
  scaling?: Scaling;
  /** Dataset name; defaults to the path. */
  name?: string;
}

/** Reads any supported `.npy` into an array made by `make`, in C order. */
function readNpy<T extends Float32Array | Float64Array>(path: string, make: (n: number) => T): { header: NpyHeader; values: T } {
  const bytes = readSource(path);
  const header = parseNpyHeader(bytes, path);
  const dtype = DTYPES[header.descr];
  if (!dtype) throw dataError(path, "header field 'descr'", `expected one of ${Object.keys(DTYPES).join(", ")}`, JSON.stringify(header.descr));
  if (header.shape.length < 1) throw dataError(path, "header field 'shape'", "expected at least one dimension (samples first)", "()");
  const count = header.shape.reduce((a, b) => a * b, 1);
  const expectedEnd = header.dataOffset + count * dtype.size;
  if (bytes.length !== expectedEnd) {
    throw dataError(
      path,
      `offset ${Math.min(bytes.length, expectedEnd)}`,
      `expected ${count} values of ${header.descr} for shape (${header.shape.join(", ")}), i.e. ${expectedEnd} bytes`,
      `${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = make(count);
  for (let i = 0; i < count; i++) {
    const src = header.fortranOrder ? fortranIndex(header.shape, i) : i;
    values[i] = dtype.read(view, header.dataOffset + src * dtype.size);
  }
  return { header, values };
}

/**
 * Loads a `.npy` array of shape [N, ...sampleShape] as float32 (float64 and integer
 * types are converted; Fortran order is converted to C order). Supported dtypes:
 * `|u1`, `|i1`, `<u2`, `<i2`, `<i4`, `<i8`, `<f4`, `<f8` and their big-endian forms.
 *
 * @example
 * const ds = loadNpy("x_train.npy", { scaling: "none" });
 */
export function loadNpy(path: string, options: LoadNpyOptions = {}): Dataset {
  const scaling = options.scaling ?? "unit";
  const { header, values: data } = readNpy(path, (n) => new Float32Array(n));
  applyScaling(data, scaling, path, header.descr === "|u1");
  const shape = header.shape.length === 1 ? [header.shape[0], 1] : header.shape;
  return { name: options.name ?? path, images: { data, shape }, scaling };
}

/**
 * Loads integer class labels from a `.npy` of shape (N,) or (N, 1): an integer dtype,
 * or floats that are all whole numbers (as `np.save` of a float label array writes).
 *
 * @example
 * const labels = loadNpyLabels("y_train.npy"); // Int32Array
 */
export function loadNpyLabels(path: string): Int32Array {
  const { header, values } = readNpy(path, (n) => new Float64Array(n));
  const [n, ...rest] = header.shape;
  if (rest.some((d) => d !== 1)) throw dataError(path, "header field 'shape'", "expected labels of shape (N,) or (N, 1)", `(${header.shape.join(", ")})`);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) throw dataError(path, `value ${i}`, "expected an integer label", String(v));
    labels[i] = v;
  }
  return labels;
}
