/** The in-memory dataset shape every loader returns. */
import type { Float32Tensor } from "@aelab/core";

export interface Dataset {
  /** Short identifier recorded on runs, e.g. `mnist`. */
  name: string;
  /** Samples, scaled as `scaling` says, shape [N, ...sampleShape]. */
  images: Float32Tensor;
  /** Integer class labels, when the source has them. */
  labels?: Int32Array;
  /** Class names by label, when the labels come from named classes (PNG class folders). */
  classNames?: string[];
  /** Scaling applied to raw values; recorded in the model so serving applies the same step. */
  scaling: "unit" | "none";
}

export interface Split {
  train: Float32Tensor;
  validation: Float32Tensor;
  trainLabels?: Int32Array;
  validationLabels?: Int32Array;
  /** Row indices into the source dataset: stored on the run, so the split is made once. */
  trainIndices: Uint32Array;
  validationIndices: Uint32Array;
  /** A test set carved from the same source (`testFraction` > 0); absent otherwise. */
  test?: Float32Tensor;
  testLabels?: Int32Array;
  testIndices?: Uint32Array;
  seed: number;
}
