/**
 * Sweep files (YAML or JSON), in the style of W&B and Optuna: a method (grid,
 * random or TPE), a metric and its goal, a search space over the model
 * (architecture, hiddenSize, depth, loss, `model.*` regularisation and noise)
 * and training options (`training.*`, or the aliases learningRate, batchSize,
 * optimizer, epochs), a trial cap, parallelism, a pruner, a seed and a retry cap.
 */
import { AelabError, ErrorCode, parseWith } from "@aelab/core";
import { z } from "zod";
import { prepareData } from "./datasets.ts";
import { inSource, parseDataConfig, type DataConfig, type ParseConfigOptions, type RunConfig } from "./run-config.ts";
import type { PrunerConfig } from "./sweep/pruners.ts";
import { DEFAULT_TPE, sampleRandom, type TpeOptions } from "./sweep/samplers.ts";
import { MAX_GRID_CELLS, gridCells, gridSize, gridValues, parameterSchema, toParameterSpec, type SearchSpace, type TrialParams } from "./sweep/search-space.ts";
import { MODEL_OVERRIDES, MODEL_PARAMETERS, PARAMETER_ALIASES, buildTrialConfig, canonicalKey, type TrialContext } from "./sweep/trial-config.ts";

const positiveInt = z.number().int().positive();

const prunerSchema = z.preprocess(
  (v) => (typeof v === "string" ? { type: v } : v),
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("none") }),
    z.strictObject({
      type: z.literal("median"),
      /** Finished trials needed before pruning (Optuna's n_startup_trials, 5). */
      startupTrials: z.number().int().nonnegative().default(5),
      /** Epochs never pruned at the start of each trial (n_warmup_steps, 0). */
      warmupEpochs: z.number().int().nonnegative().default(0),
      intervalEpochs: positiveInt.default(1),
    }),
    z.strictObject({
      type: z.literal("asha"),
      minEpochs: positiveInt.default(1),
      /** Optuna's SuccessiveHalvingPruner default, 4. */
      reductionFactor: z.number().int().min(2).default(4),
      minEarlyStoppingRate: z.number().int().nonnegative().default(0),
    }),
  ]),
);

const modelDefaultsSchema = z.strictObject({
  loss: z.enum(["mse", "bce"]).optional(),
  depth: z.number().int().nonnegative().optional(),
  initializer: z.enum(["glorot", "he"]).optional(),
  regularization: z.strictObject({ l1: z.number().optional(), l2: z.number().optional(), activityL1: z.number().optional() }).optional(),
  noise: z.unknown().optional(),
  variational: z.strictObject({ beta: z.number().optional() }).optional(),
});

export const sweepFileSchema = z.strictObject({
  name: z.string().min(1).max(200),
  experiment: z.string().min(1).max(200).optional(),
  method: z.enum(["grid", "random", "tpe"]).default("grid"),
  metric: z
    .strictObject({
      name: z.enum(["val_mse", "val_loss", "val_bce", "train_loss"]).default("val_mse"),
      goal: z.enum(["minimize", "maximize"]).default("minimize"),
    })
    .default({ name: "val_mse", goal: "minimize" }),
  data: z.unknown().optional(),
  training: z.record(z.string(), z.unknown()).optional(),
  /** Defaults for every preset model (e.g. `loss: bce`, `regularization: { l2: 1e-5 }`). */
  model: modelDefaultsSchema.optional(),
  parameters: z.record(z.string(), parameterSchema),
  /** How many trials to run: required for random and TPE; caps a grid. */
  trials: positiveInt.optional(),
  /** Trials run at once (worker processes on one machine). */
  parallelism: positiveInt.max(64).default(1),
  pruner: prunerSchema.default({ type: "none" }),
  /** Seeds the random and TPE samplers. */
  seed: z.number().int().nonnegative().default(0),
  /** Attempts per trial when its process crashes (the first run included). */
  maxAttempts: positiveInt.max(100).default(3),
  tpe: z
    .strictObject({ startupTrials: z.number().int().nonnegative(), candidates: positiveInt, gamma: z.number().gt(0).lt(1) })
    .partial()
    .optional(),
  export: z.strictObject({ best: z.boolean().default(true) }).default({ best: true }),
});

export type SweepMethod = "grid" | "random" | "tpe";

export interface SweepConfig {
  name: string;
  experiment: string;
  method: SweepMethod;
  metric: { name: string; goal: "minimize" | "maximize" };
  data: DataConfig;
  space: SearchSpace;
  /** Trials the sweep runs: the cap, or (grid) the number of cells up to the cap. */
  trialCount: number;
  parallelism: number;
  pruner: PrunerConfig | undefined;
  seed: number;
  maxAttempts: number;
  tpe: TpeOptions;
  /** Grid only: every cell's trial, built and checked up front (empty for random and TPE). */
  trials: { params: TrialParams; config: RunConfig }[];
  /** Builds (and validates) trial `index`'s run config from its parameters. */
  buildTrial(params: TrialParams, index: number): RunConfig;
  exportBest: boolean;
  /** The file as given; `effective()` is what a sweep records (and `--resume` re-reads). */
  raw: unknown;
  /** The file with data paths resolved and overrides applied, for the tracker. */
  effective(): Record<string, unknown>;
  /** The trial context; overriding `training.backend` here applies to every trial. */
  context: TrialContext;
}

const ALLOWED = `${MODEL_PARAMETERS.join(", ")}, ${Object.keys(PARAMETER_ALIASES).join(", ")}, training.<option> or ${MODEL_OVERRIDES.join(", ")}`;

function invalid(source: string, message: string): AelabError {
  return new AelabError(ErrorCode.InvalidConfig, `${source}: ${message}`);
}

/** A parameter's categories, or the ends of its range (the largest value its step reaches). */
function edgeValues(spec: SearchSpace[number][1]): TrialParams[string][] {
  if (spec.kind === "categorical") return spec.values;
  const top = spec.step === undefined || spec.log ? spec.max : spec.min + Math.floor((spec.max - spec.min) / spec.step + 1e-9) * spec.step;
  return [spec.min, top];
}

/**
 * Validates a sweep file and, for a grid, builds every trial's run config. Like
 * `parseRunConfig`, it loads the data once (for the input shape and scaling)
 * after the cheap checks.
 */
export function parseSweepConfig(input: unknown, source = "sweep file", options: ParseConfigOptions = {}): SweepConfig {
  const file = parseWith(sweepFileSchema, input, { what: source });
  for (const key of Object.keys(file.parameters)) {
    const k = canonicalKey(key);
    if (!(MODEL_PARAMETERS as readonly string[]).includes(k) && !k.startsWith("training.") && !(MODEL_OVERRIDES as readonly string[]).includes(k)) {
      throw invalid(source, `unknown sweep parameter at parameters.${key}; expected ${ALLOWED}. Received: ${JSON.stringify(key)}`);
    }
  }
  const keys = Object.keys(file.parameters);
  if (!keys.includes("architecture") || !keys.includes("hiddenSize")) {
    throw invalid(source, `parameters must include architecture and hiddenSize. Received: ${keys.join(", ") || "none"}`);
  }
  const space: SearchSpace = Object.entries(file.parameters).map(([key, p]) => [key, toParameterSpec(p)]);
  let trialCount: number;
  if (file.method === "grid") {
    for (const [key, spec] of space) {
      const values = gridValues(spec);
      if (typeof values === "string")
        throw invalid(source, `parameters.${key}: method grid needs values it can enumerate: ${values}. Received: ${JSON.stringify(file.parameters[key])}`);
    }
    const cells = gridSize(space);
    if (cells > MAX_GRID_CELLS) throw invalid(source, `parameters: a grid of at most ${MAX_GRID_CELLS} cells. Received: ${cells} cells`);
    trialCount = Math.min(cells, file.trials ?? cells);
  } else {
    if (file.trials === undefined) {
      throw invalid(source, `trials: method ${file.method} needs a trial cap (a positive integer, e.g. trials: 20). Received: trials=undefined`);
    }
    trialCount = file.trials;
  }
  if (
    file.pruner.type !== "none" &&
    (file.training?.epochs === undefined || Number(file.training.epochs) < 2) &&
    !keys.some((k) => canonicalKey(k) === "training.epochs")
  ) {
    throw invalid(
      source,
      `pruner: pruning stops trials between epochs, so it needs training.epochs of 2 or more. Received: pruner.type=${file.pruner.type}, training.epochs=${String(file.training?.epochs)}`,
    );
  }
  const data = parseDataConfig(file.data, source, options.baseDir);
  const prepared = inSource(source, () => prepareData(data));
  const context: TrialContext = {
    source,
    experiment: file.experiment ?? file.name,
    data,
    training: structuredClone(file.training ?? {}),
    model: file.model,
    input: { shape: prepared.description.sampleShape, scaling: prepared.scaling },
  };
  const buildTrial = (params: TrialParams, index: number) => buildTrialConfig(context, params, index);
  const trials =
    file.method === "grid"
      ? gridCells(space, (_key, spec) => gridValues(spec) as TrialParams[string][])
          .slice(0, trialCount)
          .map((params, i) => ({ params, config: buildTrial(params, i + 1) }))
      : [];
  // Random and TPE trials are built as they are drawn: check the first draw now, and that draw with each
  // parameter moved to each of its categories and range ends, so a bad value fails before anything runs.
  if (file.method !== "grid") {
    const first = sampleRandom(space, file.seed, 1);
    buildTrial(first, 1);
    for (const [key, spec] of space) for (const value of edgeValues(spec)) buildTrial({ ...first, [key]: value }, 1);
  }
  return {
    name: file.name,
    experiment: file.experiment ?? file.name,
    method: file.method,
    metric: file.metric,
    data,
    space,
    trialCount,
    parallelism: file.parallelism,
    pruner: file.pruner.type === "none" ? undefined : file.pruner,
    seed: file.seed,
    maxAttempts: file.maxAttempts,
    tpe: { ...DEFAULT_TPE, ...file.tpe },
    trials,
    buildTrial,
    exportBest: file.export.best,
    raw: input,
    effective: () => ({ ...(input as Record<string, unknown>), data, training: context.training }),
    context,
  };
}
