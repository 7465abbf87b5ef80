/**
 * From a sweep file and one trial's parameters to that trial's run config: the
 * preset model (architecture, hiddenSize, depth, loss), the file's model
 * defaults and `model.*` overrides (regularisation, noise, β, initializer), and
 * the training options with the `training.*` parameters set. Everything is
 * validated by the same schemas as a run file, with errors naming the sweep
 * file and the trial's parameters.
 */
import {
  AelabError,
  ErrorCode,
  autoencoderSpecSchema,
  inferShapes,
  parseWith,
  trainingConfigSchema,
  type AutoencoderSpec,
  type InputScaling,
} from "@aelab/core";
import { inSource, resolveModel, type DataConfig, type RunConfig } from "../run-config.ts";
import type { TrialParams } from "./search-space.ts";

/** Sweep parameters that set the model, besides `training.*`. */
export const MODEL_PARAMETERS = ["architecture", "hiddenSize", "depth", "loss"] as const;
/** Short names W&B and Optuna users reach for. */
export const PARAMETER_ALIASES: Record<string, string> = {
  learningRate: "training.optimizer.learningRate",
  batchSize: "training.batchSize",
  optimizer: "training.optimizer.name",
  epochs: "training.epochs",
};
/** `model.*` parameters: spec fields a preset does not fix. */
export const MODEL_OVERRIDES = [
  "model.loss",
  "model.initializer",
  "model.regularization.l1",
  "model.regularization.l2",
  "model.regularization.activityL1",
  "model.noise.type",
  "model.noise.stddev",
  "model.noise.rate",
  "model.variational.beta",
] as const;

export interface SweepModelDefaults {
  loss?: "mse" | "bce";
  depth?: number;
  initializer?: "glorot" | "he";
  regularization?: { l1?: number; l2?: number; activityL1?: number };
  noise?: unknown;
  variational?: { beta?: number };
}

export interface TrialContext {
  source: string;
  experiment: string;
  data: DataConfig;
  training: Record<string, unknown>;
  model: SweepModelDefaults | undefined;
  input: { shape: number[]; scaling: InputScaling };
}

/** The flat key a parameter sets (aliases resolved). */
export function canonicalKey(key: string): string {
  return PARAMETER_ALIASES[key] ?? key;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Short form of a value for run names: 3 significant digits for long floats. */
function short(v: unknown): string {
  if (typeof v !== "number" || Number.isInteger(v)) return String(v);
  const p = Number(v.toPrecision(3));
  return Math.abs(p) < 1e-3 ? p.toExponential() : String(p);
}

function applyModel(spec: AutoencoderSpec, params: TrialParams, ctx: TrialContext, where: string): AutoencoderSpec {
  const draft = structuredClone(spec) as Record<string, unknown> & AutoencoderSpec;
  const defaults = ctx.model ?? {};
  if (defaults.initializer !== undefined) draft.initializer = defaults.initializer;
  if (defaults.regularization !== undefined) draft.regularization = { ...draft.regularization, ...defaults.regularization };
  if (defaults.noise !== undefined) draft.noise = defaults.noise as AutoencoderSpec["noise"];
  if (defaults.variational !== undefined) draft.variational = { ...(draft.variational ?? { beta: 1 }), ...defaults.variational };
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith("model.") || key === "model.loss") continue;
    const path = key.slice("model.".length).split(".");
    if (path[0] === "noise") {
      // stddev / rate 0 means no corruption; otherwise noise is created on first use.
      if ((path[1] === "stddev" || path[1] === "rate") && value === 0) {
        delete draft.noise;
        continue;
      }
      if (draft.noise === undefined) {
        draft.noise =
          path[1] === "rate"
            ? ({ type: "masking", rate: 0.5 } as AutoencoderSpec["noise"])
            : ({ type: "gaussian", stddev: 0.5, ...(ctx.input.scaling === "unit" ? { clip: [0, 1] } : {}) } as AutoencoderSpec["noise"]);
      }
    }
    if (path[0] === "variational" && draft.variational === undefined) {
      throw new AelabError(
        ErrorCode.InvalidConfig,
        `${where}: model.variational.beta needs a variational model (architecture vae). Received: architecture=${String(params.architecture)}`,
      );
    }
    setPath(draft as Record<string, unknown>, path, value);
  }
  const checked = parseWith(autoencoderSpecSchema, draft, { what: `model of ${where}`, code: ErrorCode.InvalidSpec, prefix: "model" });
  inSource(where, () => inferShapes(checked));
  return checked;
}

/** Builds and validates one trial's run config. */
export function buildTrialConfig(ctx: TrialContext, rawParams: TrialParams, index: number): RunConfig {
  const params: TrialParams = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [canonicalKey(k), v]));
  const described = Object.entries(rawParams)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  const where = `${ctx.source} (trial ${index}: ${described})`;
  const training: Record<string, unknown> = structuredClone(ctx.training);
  for (const [key, v] of Object.entries(params)) if (key.startsWith("training.")) setPath(training, key.slice("training.".length).split("."), v);
  const trainingConfig = parseWith(trainingConfigSchema, training, { what: `training of trial ${index} in ${ctx.source}`, prefix: "training" });
  const loss = params["model.loss"] ?? params.loss ?? ctx.model?.loss;
  const depth = params.depth ?? ctx.model?.depth;
  const preset = {
    preset: params.architecture,
    hiddenSize: params.hiddenSize,
    ...(loss === undefined ? {} : { loss }),
    ...(depth === undefined ? {} : { depth }),
  };
  const spec = applyModel(resolveModel(preset, ctx.input, where), params, ctx, where);
  // Trials that differ in more than the preset get those parameters in their names.
  const extra = Object.entries(rawParams)
    .filter(([key]) => !["architecture", "hiddenSize"].includes(key))
    .map(([key, v]) => `${key.split(".").pop()}=${short(v)}`);
  return { name: [spec.name, ...extra].join(" "), experiment: ctx.experiment, spec, training: trainingConfig, data: ctx.data };
}
