/** Loads and splits the dataset a run or sweep names. */
import { loadMnist, splitDataset, type Dataset, type Split } from "@aelab/data";
import type { DataConfig } from "./run-config.ts";

export interface PreparedData {
  dataset: Dataset;
  split: Split;
  /** What is stored on each run so the split can be rebuilt. */
  description: {
    source: string;
    limit: number | null;
    seed: number;
    validationFraction: number;
    trainSize: number;
    validationSize: number;
    validationIndices: number[];
  };
}

export function prepareData(config: DataConfig): PreparedData {
  const dataset = loadMnist({ limit: config.limit });
  const split = splitDataset(dataset, { validationFraction: config.validationFraction, seed: config.seed });
  return {
    dataset,
    split,
    description: {
      source: config.source,
      limit: config.limit ?? null,
      seed: config.seed,
      validationFraction: config.validationFraction,
      trainSize: split.train.shape[0],
      validationSize: split.validation.shape[0],
      validationIndices: [...split.validationIndices],
    },
  };
}
