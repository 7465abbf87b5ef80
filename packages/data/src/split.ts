/** A seeded train/validation(/test) split, made once and stored on the run. */
import { AelabError, ErrorCode, Random, gatherRows } from "@aelab/core";
import type { Dataset, Split } from "./dataset.ts";

export interface SplitOptions {
  /** Share of the samples held out for validation, in (0, 1). */
  validationFraction: number;
  seed: number;
  /**
   * Share held out as a test set, in [0, 1) (default 0: none). The validation rows
   * are the same with or without it: the test rows come next in the same permutation.
   */
  testFraction?: number;
}

/**
 * Shuffles row indices with `seed` and cuts them into validation, test and train rows.
 *
 * @example
 * const { train, validation, test } = splitDataset(ds, { validationFraction: 0.1, testFraction: 0.1, seed: 42 });
 */
export function splitDataset(dataset: Dataset, options: SplitOptions): Split {
  const n = dataset.images.shape[0];
  const f = options.validationFraction;
  const t = options.testFraction ?? 0;
  if (!(f > 0 && f < 1)) {
    throw new AelabError(ErrorCode.InvalidConfig, `validationFraction must be in (0, 1). Received: ${f}`);
  }
  if (!(t >= 0 && t < 1 && f + t < 1)) {
    throw new AelabError(ErrorCode.InvalidConfig, `testFraction must be in [0, 1) and leave training samples beside validationFraction (${f}). Received: ${t}`);
  }
  const nVal = Math.max(1, Math.round(n * f));
  const nTest = t > 0 ? Math.max(1, Math.round(n * t)) : 0;
  if (nVal + nTest >= n) {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `The dataset has too few samples for a ${nTest > 0 ? "validation and test" : "validation"} split. Received: ${n} samples`,
    );
  }
  const perm = new Random(options.seed).permutation(n);
  const validationIndices = perm.slice(0, nVal).sort();
  const trainIndices = perm.slice(nVal + nTest).sort();
  const split = fromIndices(dataset, trainIndices, validationIndices, options.seed);
  if (nTest === 0) return split;
  const testIndices = perm.slice(nVal, nVal + nTest).sort();
  const labels = dataset.labels;
  return {
    ...split,
    test: gatherRows(dataset.images, testIndices),
    testLabels: labels ? Int32Array.from(testIndices, (i) => labels[i]) : undefined,
    testIndices,
  };
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
