/**
 * Optuna's univariate Parzen estimator (optuna/samplers/_tpe/parzen_estimator.py,
 * defaults of TPESampler: prior weight 1, magic clip, no endpoints): a mixture of
 * one kernel per observation plus a prior kernel, used for l(x) (good trials) and
 * g(x) (the rest).
 *
 * Numerical parameters work in a transformed space (log for log parameters),
 * over [low, high] widened by half a step for stepped ones. Each observation's
 * kernel is a normal truncated to [low, high], centred on it, with the larger of
 * its gaps to the sorted neighbours (the prior at the middle included) as σ,
 * clipped to [(high − low) / min(100, 1 + n), high − low]; the prior kernel has
 * σ = high − low. Stepped (non-log) parameters use the probability mass of their
 * step's interval. Categorical kernels put weight 1 + w/n on the observed choice
 * and w/n on every choice (w the prior weight, n the kernels), normalised.
 */
import type { Random } from "@aelab/core";
import { LOG_SQRT_2PI, normalCdf, normalQuantile } from "./normal.ts";
import type { ParamValue, ParameterSpec } from "./search-space.ts";

const PRIOR_WEIGHT = 1;
const EPS = 1e-12;

/** Optuna's default weights: flat for fewer than 25 observations, else a ramp over the older ones. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  return [...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1))), ...Array.from({ length: 25 }, () => 1)];
}

export interface NumericalKernels {
  kind: "numerical";
  low: number;
  high: number;
  /** Half-width of a step interval in transformed space (0: continuous). */
  halfStep: number;
  mus: number[];
  sigmas: number[];
  weights: number[];
}

export interface CategoricalKernels {
  kind: "categorical";
  /** Per kernel, a probability for each choice. */
  probabilities: number[][];
  weights: number[];
}

export type Kernels = NumericalKernels | CategoricalKernels;

/** The transformed domain of a numerical parameter. */
export function numericalDomain(spec: Exclude<ParameterSpec, { kind: "categorical" }>): { low: number; high: number; halfStep: number; log: boolean } {
  const step = spec.kind === "int" ? spec.step : (spec.step ?? 0);
  const half = step / 2;
  if (spec.log) return { low: Math.log(spec.min - half), high: Math.log(spec.max + half), halfStep: 0, log: true };
  return { low: spec.min - half, high: spec.max + half, halfStep: half, log: false };
}

/** σ per observation (prior last), as Optuna's univariate estimator computes them. */
export function kernelSigmas(mus: number[], low: number, high: number): number[] {
  const prior = 0.5 * (low + high);
  const withPrior = [...mus, prior];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a] - withPrior[b]);
  const sorted = order.map((i) => withPrior[i]);
  const ends = [low, ...sorted, high];
  const gaps = ends.slice(1).map((v, i) => v - ends[i]);
  const sortedSigmas = sorted.map((_, i) => Math.max(gaps[i], gaps[i + 1]));
  if (ends.length >= 4) {
    // consider_endpoints=False: the outermost kernels use their inner gap only.
    sortedSigmas[0] = ends[2] - ends[1];
    sortedSigmas[sortedSigmas.length - 1] = ends[ends.length - 2] - ends[ends.length - 3];
  }
  const sigmas = new Array<number>(withPrior.length);
  order.forEach((original, rank) => (sigmas[original] = sortedSigmas[rank]));
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + withPrior.length);
  const clipped = sigmas.map((s) => Math.min(maxSigma, Math.max(minSigma, s)));
  clipped[clipped.length - 1] = maxSigma;
  return clipped;
}

/** The estimator for one parameter over `observed` values (in trial order) with their weights. */
export function buildKernels(spec: ParameterSpec, observed: ParamValue[], observationWeights: number[]): Kernels {
  const weights = [...observationWeights, PRIOR_WEIGHT];
  const total = weights.reduce((a, b) => a + b, 0);
  const normalised = weights.map((w) => w / total);
  if (spec.kind === "categorical") {
    const n = spec.values.length;
    const kernels = observed.length + 1;
    const probabilities = [...observed, undefined].map((value) => {
      const row = Array.from({ length: n }, () => PRIOR_WEIGHT / kernels);
      const at = value === undefined ? -1 : spec.values.indexOf(value);
      if (at >= 0) row[at] += 1;
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((p) => p / sum);
    });
    return { kind: "categorical", probabilities, weights: normalised };
  }
  const domain = numericalDomain(spec);
  const mus = [...observed.map((v) => (domain.log ? Math.log(v as number) : (v as number))), 0.5 * (domain.low + domain.high)];
  const sigmas = kernelSigmas(mus.slice(0, -1), domain.low, domain.high);
  return { kind: "numerical", low: domain.low, high: domain.high, halfStep: domain.halfStep, mus, sigmas, weights: normalised };
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
}

/** log of the mixture's density (or mass, for stepped and categorical parameters) at `x` (transformed / choice index). */
export function logDensity(k: Kernels, x: number): number {
  if (k.kind === "categorical") return Math.log(k.probabilities.reduce((s, row, i) => s + k.weights[i] * row[x], 0) + EPS);
  const terms = k.mus.map((mu, i) => {
    const sigma = k.sigmas[i];
    const za = (k.low - mu) / sigma;
    const zb = (k.high - mu) / sigma;
    const z = Math.max(normalCdf(zb) - normalCdf(za), EPS);
    if (k.halfStep > 0) {
      const lo = Math.max(k.low, x - k.halfStep);
      const hi = Math.min(k.high, x + k.halfStep);
      const mass = normalCdf((hi - mu) / sigma) - normalCdf((lo - mu) / sigma);
      return Math.log(k.weights[i]) + Math.log(Math.max(mass, EPS)) - Math.log(z);
    }
    const u = (x - mu) / sigma;
    return Math.log(k.weights[i]) - 0.5 * u * u - LOG_SQRT_2PI - Math.log(sigma) - Math.log(z);
  });
  return logSumExp(terms);
}

function pick(weights: number[], rng: Random): number {
  let u = rng.next();
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** One draw from the mixture (transformed value, or a choice index). */
export function sampleKernels(k: Kernels, rng: Random): number {
  const i = pick(k.weights, rng);
  if (k.kind === "categorical") return pick(k.probabilities[i], rng);
  const mu = k.mus[i];
  const sigma = k.sigmas[i];
  const pa = normalCdf((k.low - mu) / sigma);
  const pb = normalCdf((k.high - mu) / sigma);
  const p = pa + (pb - pa) * rng.next();
  const x = mu + sigma * normalQuantile(Math.min(1 - 1e-16, Math.max(1e-300, p)));
  return Math.min(k.high, Math.max(k.low, x));
}
