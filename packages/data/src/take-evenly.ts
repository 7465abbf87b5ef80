/** Evenly spaced subsampling, for quick runs on part of a dataset. */
import type { Dataset } from "./dataset.ts";

/**
 * Keeps `limit` samples taken every n/limit rows (a prefix would be biased
 * wherever files are sorted by class). Returns the dataset itself when it has
 * no more than `limit` samples.
 *
 * @example
 * takeEvenly(loadIdx({ images: "train-images-idx3-ubyte.gz" }), 1000).images.shape; // [1000, 28, 28, 1]
 */
export function takeEvenly(dataset: Dataset, limit: number): Dataset {
  const n = dataset.images.shape[0];
  if (limit >= n) return dataset;
  const count = Math.max(1, Math.floor(limit));
  const row = dataset.images.data.length / n;
  const images = new Float32Array(count * row);
  const source = dataset.labels;
  const labels = source ? new Int32Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    const src = Math.floor((i * n) / count);
    images.set(dataset.images.data.subarray(src * row, (src + 1) * row), i * row);
    if (labels && source) labels[i] = source[src];
  }
  return { ...dataset, name: `${dataset.name}[${count}]`, images: { data: images, shape: [count, ...dataset.images.shape.slice(1)] }, labels };
}
