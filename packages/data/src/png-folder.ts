/**
 * Loader for folders of PNG images, decoded with `pngjs` (every PNG colour type
 * and bit depth: grayscale, RGB, palette, with or without alpha, 1 to 16 bits).
 *
 * Layout: `dir/<class>/*.png` (class folders become integer labels in sorted
 * folder order, the names kept in `classNames`) or a flat `dir/*.png` (no labels).
 * Names starting with "." and files not ending in `.png` are ignored.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import type { Dataset } from "./dataset.ts";
import { dataError } from "./internal/read-source.ts";
import type { Scaling } from "./internal/read-source.ts";

export interface LoadPngFolderOptions {
  /**
   * Channels of each sample. Default: 1 when every image is grayscale (PNG colour
   * types 0 and 4), else 3. 1 from colour uses the BT.601 luma 0.299 R + 0.587 G + 0.114 B;
   * 3 from grayscale repeats the gray value. With 1 or 3 channels, alpha is
   * composited over black (value × alpha / max); 4 keeps RGBA, colour not premultiplied.
   */
  channels?: 1 | 3 | 4;
  /**
   * "unit" (default): each file's samples divided by its maximum (2^bitDepth − 1;
   * 255 for palette images), so 8- and 16-bit images may be mixed. "none": raw
   * sample values, so every image must have the same bit depth.
   */
  scaling?: Scaling;
  /** Labels by these names (e.g. the training folder's), so a test folder gets the same integers. */
  classNames?: readonly string[];
  /** Dataset name; defaults to the folder path. */
  name?: string;
}

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

interface PngFile {
  path: string;
  label: number;
  bytes: Uint8Array;
  header: PngHeader;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const hexBytes = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const isGray = (h: PngHeader) => h.colorType === 0 || h.colorType === 4;
/** Largest sample value: palette entries are always 8-bit, whatever the index depth. */
const sampleMax = (h: PngHeader) => (h.colorType === 3 ? 255 : 2 ** h.depth - 1);

function entries(dir: string): { pngs: string[]; folders: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => !n.startsWith("."))
      .sort();
  } catch (cause) {
    throw dataError(dir, "folder", "expected a readable folder of PNG images", (cause as NodeJS.ErrnoException).code ?? String(cause), cause);
  }
  const pngs: string[] = [];
  const folders: string[] = [];
  for (const name of names) {
    const stat = statSync(join(dir, name), { throwIfNoEntry: false });
    if (stat?.isDirectory()) folders.push(name);
    else if (stat?.isFile() && /\.png$/i.test(name)) pngs.push(name);
  }
  return { pngs, folders };
}

function listImages(dir: string, given: readonly string[] | undefined): { files: { path: string; label: number }[]; classNames?: string[] } {
  const { pngs, folders } = entries(dir);
  if (pngs.length > 0 && folders.length > 0) {
    throw dataError(
      dir,
      "folder",
      "expected either class folders (dir/<class>/*.png) or PNG files (dir/*.png), not both",
      `${pngs.length} .png files and folders ${folders.map((f) => JSON.stringify(f)).join(", ")}`,
    );
  }
  if (pngs.length > 0) return { files: pngs.map((n) => ({ path: join(dir, n), label: -1 })) };
  if (folders.length === 0) throw dataError(dir, "folder", "expected .png files or class folders holding them", "neither");
  const classNames = given ? [...given] : folders;
  const files: { path: string; label: number }[] = [];
  for (const folder of folders) {
    const label = classNames.indexOf(folder);
    if (label < 0)
      throw dataError(
        join(dir, folder),
        "folder",
        `expected a class folder named one of ${classNames.map((c) => JSON.stringify(c)).join(", ")} (the training classes)`,
        JSON.stringify(folder),
      );
    const inner = entries(join(dir, folder)).pngs;
    if (inner.length === 0) throw dataError(join(dir, folder), "folder", "expected at least one .png file in each class folder", "none");
    for (const n of inner) files.push({ path: join(dir, folder, n), label });
  }
  return { files, classNames };
}

/** Reads the signature and the IHDR chunk (always first, at offset 8). */
function readHeader(path: string): { bytes: Uint8Array; header: PngHeader } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw dataError(path, "offset 0", "expected a readable file", (cause as NodeJS.ErrnoException).code ?? String(cause), cause);
  }
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw dataError(path, "offset 0", "expected the PNG signature 89 50 4e 47 0d 0a 1a 0a", hexBytes(bytes.subarray(0, 8)) || "an empty file");
  }
  if (bytes.length < 33) throw dataError(path, `offset ${bytes.length}`, "expected an IHDR chunk ending at offset 33", `file ends at ${bytes.length} bytes`);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (type !== "IHDR") throw dataError(path, "offset 12", 'expected the first chunk to be "IHDR"', JSON.stringify(type));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkChunks(bytes, view, path);
  return { bytes, header: { width: view.getUint32(16, false), height: view.getUint32(20, false), depth: bytes[24], colorType: bytes[25] } };
}

/** Walks the chunk list so that a truncated file is reported where it ends, not as a decoder stall. */
function checkChunks(bytes: Uint8Array, view: DataView, path: string): void {
  let offset = 8;
  let last = "";
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset, false);
    last = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) {
      throw dataError(
        path,
        `offset ${offset}`,
        `expected the ${JSON.stringify(last)} chunk's ${length} data bytes and CRC to end at offset ${end}; the file is truncated`,
        `file ends at ${bytes.length} bytes`,
      );
    }
    if (last === "IEND") return;
    offset = end;
  }
  throw dataError(
    path,
    `offset ${offset}`,
    "expected an IEND chunk closing the file; the file is truncated",
    `file ends at ${bytes.length} bytes after a ${JSON.stringify(last)} chunk`,
  );
}

function checkConsistent(files: PngFile[], scaling: Scaling): void {
  const first = files[0];
  for (const f of files) {
    const a = first.header;
    const b = f.header;
    if (a.width !== b.width || a.height !== b.height) {
      throw dataError(
        f.path,
        "IHDR",
        `expected ${a.width}x${a.height} (width x height) like ${first.path}; all images must share a size`,
        `${b.width}x${b.height}`,
      );
    }
    if (scaling === "none" && sampleMax(a) !== sampleMax(b)) {
      throw dataError(
        f.path,
        "IHDR",
        `scaling "none" keeps raw samples, so every image needs samples up to ${sampleMax(a)} like ${first.path}; use scaling "unit" to mix bit depths`,
        `bit depth ${b.depth}, colour type ${b.colorType} (samples up to ${sampleMax(b)})`,
      );
    }
  }
}

/** Decodes one file into `out` at `offset`, `channels` values per pixel (see `LoadPngFolderOptions`). */
function decodeInto(file: PngFile, out: Float32Array, offset: number, channels: number, scaling: Scaling): void {
  let data: ArrayLike<number>;
  try {
    // skipRescale keeps 1-, 2-, 4- and 16-bit samples as stored; pngjs always returns RGBA.
    data = PNG.sync.read(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength), { skipRescale: true }).data;
  } catch (cause) {
    throw dataError(file.path, "PNG data", "expected a complete, valid PNG (it may be truncated or corrupted)", (cause as Error).message, cause);
  }
  const max = sampleMax(file.header);
  const div = scaling === "unit" ? max : 1;
  const gray = isGray(file.header);
  const pixels = file.header.width * file.header.height;
  let o = offset;
  for (let p = 0; p < pixels; p++) {
    const r = data[4 * p];
    const g = data[4 * p + 1];
    const b = data[4 * p + 2];
    const a = data[4 * p + 3];
    if (channels === 4) {
      out[o++] = r / div;
      out[o++] = g / div;
      out[o++] = b / div;
      out[o++] = a / div;
      continue;
    }
    const f = a / max;
    if (channels === 1) {
      out[o++] = ((gray ? r : 0.299 * r + 0.587 * g + 0.114 * b) * f) / div;
    } else {
      out[o++] = (r * f) / div;
      out[o++] = (g * f) / div;
      out[o++] = (b * f) / div;
    }
  }
}

/**
 * Loads a folder of PNG images as [N, height, width, channels] float32, ordered by
 * class folder, then file name. Every image must have the same width and height.
 *
 * @example
 * const ds = loadPngFolder("data/shapes"); // data/shapes/circle/*.png, data/shapes/square/*.png
 * ds.classNames; // ["circle", "square"]
 */
export function loadPngFolder(dir: string, options: LoadPngFolderOptions = {}): Dataset {
  const scaling = options.scaling ?? "unit";
  const listed = listImages(dir, options.classNames);
  const files: PngFile[] = listed.files.map((f) => ({ ...f, ...readHeader(f.path) }));
  checkConsistent(files, scaling);
  const channels = options.channels ?? (files.every((f) => isGray(f.header)) ? 1 : 3);
  const { width, height } = files[0].header;
  const size = width * height * channels;
  const data = new Float32Array(files.length * size);
  files.forEach((f, i) => decodeInto(f, data, i * size, channels, scaling));
  return {
    name: options.name ?? dir,
    images: { data, shape: [files.length, height, width, channels] },
    labels: listed.classNames ? Int32Array.from(files, (f) => f.label) : undefined,
    classNames: listed.classNames,
    scaling,
  };
}
