/**
 * The one data set every system sees: the 10,000 MNIST digits of `loadMnist`,
 * shuffled once with a fixed seed and written to a float32 file that the
 * Python peer reads, so both sides train and infer on the same rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random, gatherRows, sliceBatch, type Float32Tensor } from "@aelab/core";
import { loadMnist } from "@aelab/data";

export const TRAIN_BATCH = 128;
/** Rows from here on are held out and used for inference. */
export const HELD_OUT_START = 9000;
const SHUFFLE_SEED = 12345;

export interface BenchData {
  /** [10000, 28, 28, 1] float32 in [0, 1], shuffled. */
  images: Float32Tensor;
  /** The full batches of 128 over all rows, in file order (78 of them). */
  trainBatches: Float32Tensor[];
  /** `batch` held-out rows, for inference. */
  heldOut(batch: number): Float32Tensor;
}

export function loadBenchData(): BenchData {
  const mnist = loadMnist();
  const images = gatherRows(mnist.images, new Random(SHUFFLE_SEED).permutation(mnist.images.shape[0]));
  const n = images.shape[0];
  const trainBatches = Array.from({ length: Math.floor(n / TRAIN_BATCH) }, (_, i) => sliceBatch(images, i * TRAIN_BATCH, (i + 1) * TRAIN_BATCH));
  return {
    images,
    trainBatches,
    heldOut: (batch) => sliceBatch(images, HELD_OUT_START, HELD_OUT_START + batch),
  };
}

export interface DataFile {
  path: string;
  remove(): void;
}

/** Writes the images as raw little-endian float32, row-major NHWC, in a fresh temp folder. */
export function writeDataFile(images: Float32Tensor): DataFile {
  const dir = mkdtempSync(join(tmpdir(), "aelab-bench-"));
  const path = join(dir, "mnist10k.f32");
  writeFileSync(path, new Uint8Array(images.data.buffer, images.data.byteOffset, images.data.byteLength));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
