/** Loader for IDX files (the MNIST / Fashion-MNIST format), raw or gzipped. */
import type { Dataset } from "./dataset.ts";
import { applyScaling, dataError, readSource } from "./internal/read-source.ts";
import type { Scaling } from "./internal/read-source.ts";

interface IdxArray {
  dtype: number;
  dims: number[];
  values: Float64Array | Float32Array | Uint8Array | Int8Array | Int16Array | Int32Array;
}

const DTYPES: Record<number, { name: string; size: number }> = {
  0x08: { name: "uint8", size: 1 },
  0x09: { name: "int8", size: 1 },
  0x0b: { name: "int16", size: 2 },
  0x0c: { name: "int32", size: 4 },
  0x0d: { name: "float32", size: 4 },
  0x0e: { name: "float64", size: 8 },
};

const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;

/** Parses one IDX file (already un-gzipped): magic 00 00 <dtype> <rank>, big-endian dims, data. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw dataError(file, "offset 0", "expected a 4-byte IDX magic", `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw dataError(file, "offset 0", "expected an IDX magic starting 0x00 0x00", `${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const dtype = bytes[2];
  const info = DTYPES[dtype];
  if (!info)
    throw dataError(
      file,
      "offset 2",
      `expected an IDX dtype byte (${Object.keys(DTYPES)
        .map((k) => hex(Number(k)))
        .join(", ")})`,
      hex(dtype),
    );
  const rank = bytes[3];
  if (rank < 1) throw dataError(file, "offset 3", "expected a rank of at least 1", String(rank));
  const headerEnd = 4 + 4 * rank;
  if (bytes.length < headerEnd)
    throw dataError(file, `offset ${bytes.length}`, `expected ${rank} dimension sizes ending at offset ${headerEnd}`, `file ends at ${bytes.length} bytes`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expectedEnd = headerEnd + count * info.size;
  if (bytes.length !== expectedEnd) {
    const where = bytes.length < expectedEnd ? `offset ${bytes.length}` : `offset ${expectedEnd}`;
    throw dataError(file, where, `expected ${count} ${info.name} values for dims [${dims.join(",")}], i.e. ${expectedEnd} bytes`, `${bytes.length} bytes`);
  }
  return { dtype, dims, values: readValues(view, headerEnd, count, dtype) };
}

function readValues(view: DataView, start: number, count: number, dtype: number): IdxArray["values"] {
  switch (dtype) {
    case 0x08:
      return new Uint8Array(view.buffer, view.byteOffset + start, count).slice();
    case 0x09:
      return new Int8Array(view.buffer, view.byteOffset + start, count).slice();
    case 0x0b:
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(start + 2 * i, false));
    case 0x0c:
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(start + 4 * i, false));
    case 0x0d:
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(start + 4 * i, false));
    default:
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(start + 8 * i, false));
  }
}

export interface LoadIdxOptions {
  /** Path to the images IDX file (rank ≥ 2; rank 3 becomes [N, H, W, 1]). */
  images: string;
  /** Optional path to a rank-1 labels IDX file with one integer per image. */
  labels?: string;
  /** Default "unit": uint8 divided by 255; other data must already be in [0, 1]. */
  scaling?: Scaling;
  /** Dataset name; defaults to the images path. */
  name?: string;
}

/**
 * Loads IDX images (and labels). Gzip is detected by its magic bytes.
 *
 * @example
 * const ds = loadIdx({ images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" });
 * ds.images.shape; // [10000, 28, 28, 1]
 */
export function loadIdx(options: LoadIdxOptions): Dataset {
  const scaling = options.scaling ?? "unit";
  const img = parseIdx(readSource(options.images), options.images);
  if (img.dims.length < 2) throw dataError(options.images, "offset 3", "expected images of rank 2 or more", `rank ${img.dims.length}`);
  const shape = img.dims.length === 3 ? [...img.dims, 1] : img.dims;
  const data = Float32Array.from(img.values);
  applyScaling(data, scaling, options.images, img.dtype === 0x08);
  let labels: Int32Array | undefined;
  if (options.labels !== undefined) {
    const lab = parseIdx(readSource(options.labels), options.labels);
    if (lab.dims.length !== 1 || lab.dims[0] !== img.dims[0]) {
      throw dataError(options.labels, "offset 4", `expected rank-1 labels with ${img.dims[0]} entries (one per image)`, `dims [${lab.dims.join(",")}]`);
    }
    if (lab.dtype === 0x0d || lab.dtype === 0x0e) throw dataError(options.labels, "offset 2", "expected an integer label dtype", hex(lab.dtype));
    labels = Int32Array.from(lab.values);
  }
  return { name: options.name ?? options.images, images: { data, shape }, labels, scaling };
}
