/**
 * Sweep files (YAML or JSON), in the style of W&B and Optuna. Today: the grid
 * method over architecture presets, hidden sizes, the loss and any training
 * option (`training.optimizer.learningRate`, `training.batchSize`, …).
 */
import { AelabError, ErrorCode, parseWith, trainingConfigSchema, type TrainingConfig } from "@aelab/core";
import { z } from "zod";
import { prepareData } from "./datasets.ts";
import { inSource, parseDataConfig, resolveModel, type DataConfig, type ParseConfigOptions, type RunConfig } from "./run-config.ts";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const parameterSchema = z.union([z.strictObject({ values: z.array(scalar).min(1) }), z.strictObject({ value: scalar })]);

export const sweepFileSchema = z.strictObject({
  name: z.string().min(1).max(200),
  experiment: z.string().min(1).max(200).optional(),
  method: z.literal("grid").default("grid"),
  metric: z
    .strictObject({
      name: z.enum(["val_mse", "val_loss", "val_bce", "train_loss"]).default("val_mse"),
      goal: z.enum(["minimize", "maximize"]).default("minimize"),
    })
    .default({ name: "val_mse", goal: "minimize" }),
  data: z.unknown().optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  /** Defaults for every preset model (e.g. `loss: bce`). */
  model: z.strictObject({ loss: z.enum(["mse", "bce"]).optional() }).optional(),
  parameters: z.record(z.string(), parameterSchema),
  export: z.strictObject({ best: z.boolean().default(true) }).default({ best: true }),
});

export interface SweepConfig {
  name: string;
  experiment: string;
  metric: { name: string; goal: "minimize" | "maximize" };
  data: DataConfig;
  trials: { params: Record<string, string | number | boolean>; config: RunConfig }[];
  exportBest: boolean;
  raw: unknown;
}

const MODEL_KEYS = new Set(["architecture", "hiddenSize", "loss"]);

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/**
 * Validates a sweep file and builds every trial's run config. Like `parseRunConfig`, it
 * loads the data once (for the input shape and scaling) after the cheap checks.
 */
export function parseSweepConfig(input: unknown, source = "sweep file", options: ParseConfigOptions = {}): SweepConfig {
  const file = parseWith(sweepFileSchema, input, { what: source });
  const data = parseDataConfig(file.data, source, options.baseDir);
  for (const key of Object.keys(file.parameters)) {
    if (!MODEL_KEYS.has(key) && !key.startsWith("training.")) {
      throw new AelabError(
        ErrorCode.InvalidConfig,
        `${source}: unknown sweep parameter at parameters.${key}; expected architecture, hiddenSize, loss or training.<option>. Received: ${JSON.stringify(key)}`,
      );
    }
  }
  if (!file.parameters.architecture || !file.parameters.hiddenSize) {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `${source}: parameters must include architecture and hiddenSize. Received: ${Object.keys(file.parameters).join(", ") || "none"}`,
    );
  }
  const prepared = inSource(source, () => prepareData(data));
  const modelInput = { shape: prepared.description.sampleShape, scaling: prepared.scaling };
  const axes = Object.entries(file.parameters).map(([key, p]) => [key, "values" in p ? p.values : [p.value]] as const);
  const cells: Record<string, string | number | boolean>[] = [{}];
  for (const [key, values] of axes) {
    const next: Record<string, string | number | boolean>[] = [];
    for (const cell of cells) for (const v of values) next.push({ ...cell, [key]: v });
    cells.splice(0, cells.length, ...next);
  }
  const trials = cells.map((params, i) => {
    const training: Record<string, unknown> = structuredClone(file.training ?? {});
    for (const [key, v] of Object.entries(params)) if (key.startsWith("training.")) setPath(training, key.slice("training.".length).split("."), v);
    const trainingConfig: TrainingConfig = parseWith(trainingConfigSchema, training, { what: `training of trial ${i + 1} in ${source}`, prefix: "training" });
    const model = {
      preset: params.architecture,
      hiddenSize: params.hiddenSize,
      ...(params.loss !== undefined ? { loss: params.loss } : file.model?.loss ? { loss: file.model.loss } : {}),
    };
    const spec = resolveModel(model, modelInput, `${source} (parameters.architecture=${String(params.architecture)}, hiddenSize=${String(params.hiddenSize)})`);
    // Trials that differ only in training options get those options in their names.
    const extra = Object.entries(params)
      .filter(([key]) => key.startsWith("training."))
      .map(([key, v]) => `${key.split(".").pop()}=${String(v)}`);
    const name = [spec.name, ...extra].join(" ");
    const config: RunConfig = { name, experiment: file.experiment ?? file.name, spec, training: trainingConfig, data };
    return { params, config };
  });
  return {
    name: file.name,
    experiment: file.experiment ?? file.name,
    metric: file.metric,
    data,
    trials,
    exportBest: file.export.best,
    raw: input,
  };
}
