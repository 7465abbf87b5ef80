/**
 * The run file a user writes once (`aelab train run.yaml`): the model (a full
 * spec or a preset), the training options and the data. Validated before any
 * run is recorded, so a malformed file never leaves a half-finished run.
 */
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import {
  AelabError,
  ErrorCode,
  autoencoderSpecSchema,
  describeValue,
  inferShapes,
  isAelabError,
  parseWith,
  presetSpec,
  trainingConfigSchema,
  type AutoencoderSpec,
  type InputScaling,
  type TrainingConfig,
} from "@aelab/core";
import { FASHION_MNIST_DIR } from "@aelab/data";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { prepareData } from "./datasets.ts";

const path = z.string().min(1);
/** Options every source shares. */
const common = {
  /** "unit" (pixels to [0, 1]), "none" (values as stored) or "standardize" (per channel, statistics of the training split). */
  scaling: z.enum(["unit", "none", "standardize"]).default("unit"),
  /** Use only this many samples (evenly spaced), for quick runs; also caps an official test set. */
  limit: z.number().int().min(20).optional(),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  seed: z.number().int().nonnegative().default(42),
};
/** For sources without an official test set: the share held out as one (0 = no test set). */
const testFraction = { testFraction: z.number().min(0).lt(1).default(0) };

/**
 * The `data:` block: a union on `source` (default `mnist`, today's 10,000 digits and split).
 * Paths are resolved against the run file's folder by `parseRunConfig` / `parseSweepConfig`.
 */
export const dataConfigSchema = z.preprocess(
  (v) => (v === undefined || v === null ? { source: "mnist" } : typeof v === "object" && !("source" in v) ? { ...v, source: "mnist" } : v),
  z.discriminatedUnion("source", [
    z.strictObject({ source: z.literal("mnist"), ...common, ...testFraction }),
    /** Debian's dataset-fashion-mnist IDX files; the official t10k files are the test set. */
    z.strictObject({ source: z.literal("fashion-mnist"), dir: path.default(FASHION_MNIST_DIR), ...common }),
    z.strictObject({
      source: z.literal("idx"),
      images: path,
      labels: path.optional(),
      testImages: path.optional(),
      testLabels: path.optional(),
      ...common,
      ...testFraction,
    }),
    z.strictObject({
      source: z.literal("npy"),
      images: path,
      labels: path.optional(),
      testImages: path.optional(),
      testLabels: path.optional(),
      ...common,
      ...testFraction,
    }),
    z.strictObject({
      source: z.literal("csv"),
      file: path,
      testFile: path.optional(),
      labelColumn: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
      header: z.union([z.boolean(), z.literal("auto")]).default("auto"),
      shape: z.array(z.number().int().positive()).min(1).max(3).optional(),
      ...common,
      ...testFraction,
    }),
    z.strictObject({
      source: z.literal("png"),
      dir: path,
      testDir: path.optional(),
      channels: z.union([z.literal(1), z.literal(3), z.literal(4)]).optional(),
      ...common,
      ...testFraction,
    }),
  ]),
);
export type DataConfig = z.infer<typeof dataConfigSchema>;

const PATH_FIELDS = ["images", "labels", "testImages", "testLabels", "file", "testFile", "dir", "testDir"] as const;
const TEST_FIELDS = ["testImages", "testFile", "testDir"] as const;

/**
 * Validates a `data:` block and resolves its paths against `baseDir`.
 *
 * @example
 * parseDataConfig({ source: "idx", images: "train.idx" }, "run.yaml", "/runs"); // images: "/runs/train.idx"
 */
export function parseDataConfig(input: unknown, source: string, baseDir = process.cwd()): DataConfig {
  const data = parseWith(dataConfigSchema, input, { what: `data in ${source}`, prefix: "data" });
  const fields = data as Record<string, unknown>;
  const refuse = (field: string, expected: string, received: string) => {
    throw new AelabError(ErrorCode.InvalidConfig, `${source}: at data.${field}: ${expected}. Received: ${received}`, { details: { field: `data.${field}` } });
  };
  const official = TEST_FIELDS.find((f) => fields[f] !== undefined);
  if ("testFraction" in data && data.testFraction > 0 && official) {
    refuse("testFraction", `expected no testFraction beside data.${official} (the official test set)`, `testFraction=${data.testFraction}`);
  }
  if ("testFraction" in data && data.validationFraction + data.testFraction >= 1) {
    refuse("testFraction", `expected validationFraction + testFraction < 1, leaving training samples`, `${data.validationFraction} + ${data.testFraction}`);
  }
  if ("testLabels" in data && data.testLabels !== undefined && data.testImages === undefined) {
    refuse("testLabels", "expected data.testImages beside data.testLabels", describeValue(data.testLabels));
  }
  const resolved: Record<string, unknown> = { ...data };
  for (const f of PATH_FIELDS) if (typeof resolved[f] === "string") resolved[f] = resolve(baseDir, resolved[f] as string);
  return resolved as DataConfig;
}

export const presetModelSchema = z.strictObject({
  preset: z.string().min(1),
  hiddenSize: z.number().int().positive().max(65_536),
  loss: z.enum(["mse", "bce"]).optional(),
  name: z.string().min(1).optional(),
  /** Hidden layers before the code (see core's `PresetOptions.depth`). */
  depth: z.number().int().nonnegative().max(16).optional(),
});

const runFileSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  experiment: z.string().min(1).max(200).default("default"),
  model: z.record(z.string(), z.unknown()),
  training: z.unknown().optional(),
  data: z.unknown().optional(),
});

export interface RunConfig {
  name: string;
  experiment: string;
  spec: AutoencoderSpec;
  training: TrainingConfig;
  data: DataConfig;
}

/** Reads a YAML or JSON file, naming the file and line on a syntax error. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidConfig, `Cannot read ${path}. Received: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, { cause });
  }
  try {
    return extname(path).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidConfig, `${path} is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** The sample shape of the default `mnist` source. */
export const MNIST_SHAPE = [28, 28, 1];

/** Models larger than this are refused before anything runs (about 200 MB of float32 weights). */
export const MAX_PARAMETERS = 50_000_000;

/** Prefixes an aelab error with the file it concerns, keeping its code and details. */
export function inSource<T>(source: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!isAelabError(error) || error.message.startsWith(source)) throw error;
    throw new AelabError(error.code, `${source}: ${error.message}`, { cause: error, details: error.details });
  }
}

const sameScaling = (a: unknown, b: InputScaling) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Builds the model spec from a `model:` block, either `{ preset, hiddenSize }` or a
 * full spec, for samples of `input.shape` scaled as `input.scaling` (both from the data).
 * A full spec may state `input.scaling` only if it is the data's.
 */
export function resolveModel(model: Record<string, unknown>, input: { shape: number[]; scaling?: InputScaling }, source: string): AutoencoderSpec {
  const scaling = input.scaling ?? "unit";
  let spec: AutoencoderSpec;
  if ("preset" in model) {
    const p = parseWith(presetModelSchema, model, { what: `model in ${source}`, code: ErrorCode.InvalidSpec, prefix: "model" });
    spec = inSource(source, () => presetSpec(p.preset, { inputShape: input.shape, hiddenSize: p.hiddenSize, loss: p.loss, name: p.name, depth: p.depth }));
  } else {
    const stated = (model.input as { scaling?: unknown } | undefined)?.scaling;
    if (stated !== undefined && !sameScaling(stated, scaling)) {
      throw new AelabError(
        ErrorCode.InvalidSpec,
        `${source}: model.input.scaling must match the data's scaling, which data.scaling decides (leave it out of the model). Received: model.input.scaling=${describeValue(stated)}, data gives ${describeValue(scaling)}`,
      );
    }
    spec = parseWith(autoencoderSpecSchema, model, { what: `model in ${source}`, code: ErrorCode.InvalidSpec, prefix: "model" });
  }
  // Core refuses what cannot work with this scaling (BCE on standardised inputs, statistics of the wrong length).
  spec = { ...spec, input: { ...spec.input, scaling } };
  const { parameterCount } = inSource(source, () => {
    try {
      return inferShapes(spec);
    } catch (error) {
      if (isAelabError(error) && typeof scaling === "object") {
        throw new AelabError(error.code, `data.scaling "standardize" sets model.input.scaling: ${error.message}`, { cause: error, details: error.details });
      }
      throw error;
    }
  });
  if (parameterCount > MAX_PARAMETERS) {
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `${source}: the model may have at most ${MAX_PARAMETERS.toLocaleString("en")} parameters. Received: ${parameterCount.toLocaleString("en")} parameters`,
    );
  }
  return spec;
}

export interface ParseConfigOptions {
  /** Folder that relative data paths are resolved against (the CLI passes the file's folder); default the working directory. */
  baseDir?: string;
}

/**
 * Validates a run file. The data is loaded here (once: `prepareData` keeps the last
 * result), since the model's input shape and scaling statistics come from it; so a
 * bad data file is refused before any run is recorded.
 *
 * @example
 * const config = parseRunConfig(readConfigFile("run.yaml"), "run.yaml", { baseDir: "." });
 */
export function parseRunConfig(input: unknown, source = "run config", options: ParseConfigOptions = {}): RunConfig {
  const file = parseWith(runFileSchema, input, { what: source });
  const data = parseDataConfig(file.data, source, options.baseDir);
  const training = parseWith(trainingConfigSchema, file.training ?? {}, { what: `training in ${source}`, prefix: "training" });
  if ("preset" in file.model) parseWith(presetModelSchema, file.model, { what: `model in ${source}`, code: ErrorCode.InvalidSpec, prefix: "model" });
  const prepared = inSource(source, () => prepareData(data));
  const shape = prepared.description.sampleShape;
  const spec = resolveModel(file.model, { shape, scaling: prepared.scaling }, source);
  if (spec.input.shape.join("x") !== shape.join("x")) {
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `${source}: model.input.shape must match the ${data.source} samples [${shape}]. Received: [${spec.input.shape}]`,
    );
  }
  return { name: file.name ?? spec.name, experiment: file.experiment, spec, training, data };
}
