/**
 * A sweep's search space: one parameter per flat key, each categorical (a list
 * of values, or one constant value), or an int or float range drawn uniformly
 * or on a log scale, optionally on a step grid. The grid method enumerates it;
 * the random and TPE samplers draw from it.
 */
import { Random } from "@aelab/core";
import { z } from "zod";

export type ParamValue = string | number | boolean;
export type TrialParams = Record<string, ParamValue>;

export type ParameterSpec =
  | { kind: "categorical"; values: ParamValue[] }
  | { kind: "int"; min: number; max: number; log: boolean; step: number }
  | { kind: "float"; min: number; max: number; log: boolean; step: number | undefined };

/** Ordered as the file lists the keys (the first key varies slowest in a grid). */
export type SearchSpace = [key: string, spec: ParameterSpec][];

/** Grids larger than this are refused before anything runs. */
export const MAX_GRID_CELLS = 100_000;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const range = {
  min: z.number().finite(),
  max: z.number().finite(),
  /** `uniform` (default) or `log` (uniform in log space; min must be positive). */
  distribution: z.enum(["uniform", "log"]).default("uniform"),
  /** Values are min + k·step (not with `log`). */
  step: z.number().positive().finite().optional(),
};

function checkRange(p: { type: "int" | "float"; min: number; max: number; distribution: "uniform" | "log"; step?: number }, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (!(p.min < p.max)) issue("max", `expected max > min (${p.min}); use { value: … } for a constant`);
  if (p.distribution === "log" && p.min <= 0) issue("min", "expected min > 0 for a log distribution");
  if (p.distribution === "log" && p.step !== undefined) issue("step", "expected no step with a log distribution (as Optuna)");
  if (p.type === "int") {
    for (const key of ["min", "max", "step"] as const) {
      const v = p[key];
      if (v !== undefined && !Number.isInteger(v)) issue(key, `expected an integer for an int parameter`);
    }
  }
}

/**
 * One parameter in a sweep file:
 * - `{ values: [a, b, …] }` (or `type: categorical`): one of the values;
 * - `{ value: x }`: always x;
 * - `{ type: int | float, min, max, distribution?: uniform | log, step? }`.
 */
export const parameterSchema = z.preprocess(
  (v) => {
    if (typeof v !== "object" || v === null || "type" in v) return v;
    if ("values" in v) return { ...v, type: "categorical" };
    if ("value" in v) return { ...v, type: "constant" };
    return v;
  },
  z.discriminatedUnion("type", [
    z.strictObject({ type: z.literal("categorical"), values: z.array(scalar).min(1) }),
    z.strictObject({ type: z.literal("constant"), value: scalar }),
    z.strictObject({ type: z.literal("int"), ...range }).superRefine(checkRange),
    z.strictObject({ type: z.literal("float"), ...range }).superRefine(checkRange),
  ]),
);
export type ParameterInput = z.infer<typeof parameterSchema>;

export function toParameterSpec(p: ParameterInput): ParameterSpec {
  switch (p.type) {
    case "categorical":
      return { kind: "categorical", values: p.values };
    case "constant":
      return { kind: "categorical", values: [p.value] };
    case "int":
      return { kind: "int", min: p.min, max: p.max, log: p.distribution === "log", step: p.step ?? 1 };
    case "float":
      return { kind: "float", min: p.min, max: p.max, log: p.distribution === "log", step: p.step };
    default: {
      const unknown: never = p;
      return unknown;
    }
  }
}

/** The values a grid takes for one parameter, or a reason it cannot be enumerated. */
export function gridValues(spec: ParameterSpec): ParamValue[] | string {
  if (spec.kind === "categorical") return spec.values;
  if (spec.log) return "a log distribution cannot be enumerated; give values, or a uniform range with a step";
  if (spec.step === undefined) return "a float range needs a step to be enumerated; give values or a step";
  const n = Math.floor((spec.max - spec.min) / spec.step + 1e-9) + 1;
  if (n > MAX_GRID_CELLS) return `the range has ${n} values`;
  // Rounded to the step's decimals, so 0.1 steps give 0.3, not 0.30000000000000004.
  const decimals = Math.max(decimalsOf(spec.step), decimalsOf(spec.min));
  return Array.from({ length: n }, (_, k) => Number((spec.min + k * spec.step!).toFixed(Math.min(decimals, 15))));
}

function decimalsOf(x: number): number {
  const text = String(x);
  const e = /e-(\d+)$/.exec(text);
  if (e) return Number(e[1]) + (text.split("e")[0].split(".")[1]?.length ?? 0);
  return text.split(".")[1]?.length ?? 0;
}

/** Every cell of the grid, the first key varying slowest. */
export function gridCells(space: SearchSpace, valuesOf: (key: string, spec: ParameterSpec) => ParamValue[]): TrialParams[] {
  let cells: TrialParams[] = [{}];
  for (const [key, spec] of space) {
    const values = valuesOf(key, spec);
    cells = cells.flatMap((cell) => values.map((v) => ({ ...cell, [key]: v })));
  }
  return cells;
}

/** Number of grid cells (without building them). */
export function gridSize(space: SearchSpace): number {
  return space.reduce((n, [, spec]) => {
    const values = gridValues(spec);
    return n * (typeof values === "string" ? Number.POSITIVE_INFINITY : values.length);
  }, 1);
}

/** Snaps a number drawn in [min, max] to the parameter's domain (integers, step grid, bounds). */
export function snap(spec: Exclude<ParameterSpec, { kind: "categorical" }>, x: number): number {
  let v = x;
  if (spec.step !== undefined && !spec.log) v = spec.min + Math.round((v - spec.min) / spec.step) * spec.step;
  if (spec.kind === "int") v = Math.round(v);
  v = Math.min(spec.max, Math.max(spec.min, v));
  if (spec.kind === "float" && spec.step !== undefined) v = Number(v.toFixed(Math.min(15, Math.max(decimalsOf(spec.step), decimalsOf(spec.min)))));
  return v;
}

/** One uniform draw (in log space for log parameters), as Optuna's RandomSampler does. */
export function drawUniform(spec: ParameterSpec, rng: Random): ParamValue {
  if (spec.kind === "categorical") return spec.values[rng.int(spec.values.length)];
  if (spec.kind === "int" && !spec.log) {
    const n = Math.floor((spec.max - spec.min) / spec.step) + 1;
    return spec.min + rng.int(n) * spec.step;
  }
  // Ints on a log scale: uniform in log over [min − ½, max + ½], then rounded (Optuna's IntDistribution(log=True)).
  const half = spec.kind === "int" ? 0.5 : 0;
  if (spec.log) return snap(spec, Math.exp(rng.uniform(Math.log(spec.min - half), Math.log(spec.max + half))));
  const step = spec.step;
  if (step !== undefined) return snap(spec, spec.min + rng.int(Math.floor((spec.max - spec.min) / step + 1e-9) + 1) * step);
  return rng.uniform(spec.min, spec.max);
}

/** The RNG of trial `index` for a sampler seeded with `seed`: each trial's draws depend only on both. */
export function trialRandom(seed: number, index: number): Random {
  return new Random((seed ^ Math.imul(index, 0x9e3779b1)) >>> 0);
}
