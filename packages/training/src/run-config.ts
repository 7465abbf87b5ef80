/**
 * The run file a user writes once (`aelab train run.yaml`): the model (a full
 * spec or a preset), the training options and the data. Validated before any
 * run is recorded, so a malformed file never leaves a half-finished run.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import {
  AelabError,
  ErrorCode,
  autoencoderSpecSchema,
  inferShapes,
  parseWith,
  presetSpec,
  trainingConfigSchema,
  type AutoencoderSpec,
  type TrainingConfig,
} from "@aelab/core";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const dataConfigSchema = z.strictObject({
  source: z.enum(["mnist"]).default("mnist"),
  /** Use only this many samples (evenly spaced), for quick runs. */
  limit: z.number().int().min(20).optional(),
  validationFraction: z.number().gt(0).lt(1).default(0.1),
  seed: z.number().int().nonnegative().default(42),
});
export type DataConfig = z.infer<typeof dataConfigSchema>;

export const presetModelSchema = z.strictObject({
  preset: z.string().min(1),
  hiddenSize: z.number().int().positive().max(65_536),
  loss: z.enum(["mse", "bce"]).optional(),
  name: z.string().min(1).optional(),
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
    throw new AelabError(ErrorCode.InvalidConfig, `${path} is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${(cause as Error).message}`, { cause });
  }
}

export const MNIST_SHAPE = [28, 28, 1];

/** Builds the model spec from a `model:` block: either `{ preset, hiddenSize }` or a full spec. */
/** Models larger than this are refused before anything runs (about 200 MB of float32 weights). */
export const MAX_PARAMETERS = 50_000_000;

export function resolveModel(model: Record<string, unknown>, inputShape: number[], source: string): AutoencoderSpec {
  let spec: AutoencoderSpec;
  if ("preset" in model) {
    const p = parseWith(presetModelSchema, model, { what: `model in ${source}`, code: ErrorCode.InvalidSpec, prefix: "model" });
    spec = presetSpec(p.preset, { inputShape, hiddenSize: p.hiddenSize, loss: p.loss, name: p.name });
  } else {
    spec = parseWith(autoencoderSpecSchema, model, { what: `model in ${source}`, code: ErrorCode.InvalidSpec, prefix: "model" });
  }
  const { parameterCount } = inferShapes(spec);
  if (parameterCount > MAX_PARAMETERS) {
    throw new AelabError(ErrorCode.InvalidSpec, `${source}: the model may have at most ${MAX_PARAMETERS.toLocaleString("en")} parameters. Received: ${parameterCount.toLocaleString("en")} parameters`);
  }
  return spec;
}

export function parseRunConfig(input: unknown, source = "run config"): RunConfig {
  const file = parseWith(runFileSchema, input, { what: source });
  const data = parseWith(dataConfigSchema, file.data ?? {}, { what: `data in ${source}`, prefix: "data" });
  const training = parseWith(trainingConfigSchema, file.training ?? {}, { what: `training in ${source}`, prefix: "training" });
  const spec = resolveModel(file.model, MNIST_SHAPE, source);
  if (spec.input.shape.join("x") !== MNIST_SHAPE.join("x")) {
    throw new AelabError(ErrorCode.InvalidSpec, `${source}: model.input.shape must match the ${data.source} samples [${MNIST_SHAPE}]. Received: [${spec.input.shape}]`);
  }
  return { name: file.name ?? spec.name, experiment: file.experiment, spec, training, data };
}
