/** A seeded train/validation split, made once and stored on the run. */
import { AelabError, ErrorCode, Random, gatherRows } from "@aelab/core";
import type { Dataset, Split } from "./dataset.ts";

export function splitDataset(dataset: Dataset, options: { validationFraction: number; seed: number }): Split {
  const n = dataset.images.shape[0];
  const f = options.validationFraction;
  if (!(f > 0 && f < 1)) {
    throw new AelabError(ErrorCode.InvalidConfig, `validationFraction must be in (0, 1). Received: ${f}`);
  }
  const nVal = Math.max(1, Math.round(n * f));
  if (nVal >= n) {
    throw new AelabError(ErrorCode.InvalidConfig, `The dataset has too few samples for a validation split. Received: ${n} samples`);
  }
  const perm = new Random(options.seed).permutation(n);
  const validationIndices = perm.slice(0, nVal).sort();
  const trainIndices = perm.slice(nVal).sort();
  return fromIndices(dataset, trainIndices, validationIndices, options.seed);
}

/** Rebuilds a stored split from its indices. */
export function fromIndices(dataset: Dataset, trainIndices: Uint32Array, validationIndices: Uint32Array, seed: number): Split {
  const pick = (labels: Int32Array | undefined, idx: Uint32Array) => (labels ? Int32Array.from(idx, (i) => labels[i]) : undefined);
  return {
    train: gatherRows(dataset.images, trainIndices),
    validation: gatherRows(dataset.images, validationIndices),
    trainLabels: pick(dataset.labels, trainIndices),
    validationLabels: pick(dataset.labels, validationIndices),
    trainIndices,
    validationIndices,
    seed,
  };
}
