/**
 * How a sweep draws its trials: `random` (Optuna's RandomSampler) and `tpe`
 * (Optuna's univariate TPESampler with its defaults). Every draw of trial `i`
 * uses an RNG seeded from (seed, i) alone, so a sampler's whole state is its
 * options and how many trials it has drawn; that is what a sweep records, and
 * a resumed sweep draws trial k+1 exactly as an uninterrupted one would have
 * (given, for TPE, the same finished trials).
 *
 * TPE (Bergstra et al. 2011, as Optuna implements it): the first
 * `startupTrials` trials are random. After that the observed trials are split
 * into the best γ(n) = min(⌈γ·n⌉, 25) ("below") and the rest ("above"); for
 * each parameter, `candidates` values are drawn from the Parzen estimator l(x)
 * of the good ones and the one maximising log l(x) − log g(x) is kept. Finished
 * trials rank by their objective; pruned ones rank after every finished one
 * (those that ran more epochs first, then by their last validation loss), as
 * Optuna ranks them; failed (diverged) ones, unlike Optuna, count as the worst
 * of all, so the sampler learns to avoid what diverges. Running, crashed and
 * interrupted trials are not observations.
 */
import { drawUniform, snap, trialRandom, type ParamValue, type SearchSpace, type TrialParams } from "./search-space.ts";
import { buildKernels, defaultWeights, logDensity, numericalDomain, sampleKernels } from "./parzen-estimator.ts";

export type SamplerMethod = "random" | "tpe";

export interface TpeOptions {
  /** Random trials before TPE starts; Optuna's default 10. */
  startupTrials: number;
  /** Candidates drawn from l(x) per parameter; Optuna's default 24. */
  candidates: number;
  /** Share of observations that count as good; Optuna's default 0.1 (at most 25). */
  gamma: number;
}

export const DEFAULT_TPE: TpeOptions = { startupTrials: 10, candidates: 24, gamma: 0.1 };

/** What a sweep records (JSON) and restores on resume. */
export interface SamplerState {
  method: "grid" | SamplerMethod;
  seed: number;
  /** Trials drawn so far (the next one is drawn + 1). */
  drawn: number;
  tpe?: TpeOptions;
}

/** A trial as the sampler sees it. */
export interface Observation {
  index: number;
  params: TrialParams;
  status: "finished" | "pruned" | "failed";
  /** The objective of a finished trial, as minimised (negated when the goal is to maximise). */
  value?: number;
  /** Pruned trials: the last epoch reached and its validation loss. */
  prunedEpoch?: number;
  prunedValue?: number;
}

export function sampleRandom(space: SearchSpace, seed: number, index: number): TrialParams {
  const rng = trialRandom(seed, index);
  return Object.fromEntries(space.map(([key, spec]) => [key, drawUniform(spec, rng)]));
}

/** Observations best first, in the order TPE splits them. */
export function rankObservations(observations: Observation[]): Observation[] {
  const rank = (o: Observation) => (o.status === "finished" && o.value !== undefined && Number.isFinite(o.value) ? 0 : o.status === "pruned" ? 1 : 2);
  return [...observations].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 0) return a.value! - b.value! || a.index - b.index;
    if (ra === 1) return (b.prunedEpoch ?? 0) - (a.prunedEpoch ?? 0) || (a.prunedValue ?? Infinity) - (b.prunedValue ?? Infinity) || a.index - b.index;
    return a.index - b.index;
  });
}

/** γ(n) of Optuna's default_gamma, for a given γ. */
export function belowCount(n: number, gamma: number): number {
  return Math.min(Math.ceil(gamma * n), 25);
}

/** Draws trial `index` with TPE given the observations so far (random while there are fewer than `startupTrials`). */
export function sampleTpe(space: SearchSpace, seed: number, index: number, observations: Observation[], options: TpeOptions = DEFAULT_TPE): TrialParams {
  if (observations.length < options.startupTrials) return sampleRandom(space, seed, index);
  const rng = trialRandom(seed, index);
  const ranked = rankObservations(observations);
  const nBelow = belowCount(ranked.length, options.gamma);
  const belowSet = new Set(ranked.slice(0, nBelow));
  // Both groups keep trial order: the weights favour recent trials once there are 25+.
  const byIndex = [...observations].sort((a, b) => a.index - b.index);
  const below = byIndex.filter((o) => belowSet.has(o));
  const above = byIndex.filter((o) => !belowSet.has(o));
  const params: TrialParams = {};
  for (const [key, spec] of space) {
    if (spec.kind === "categorical" && spec.values.length === 1) {
      params[key] = spec.values[0];
      continue;
    }
    const valuesOf = (group: Observation[]) => group.map((o) => o.params[key]).filter((v): v is ParamValue => v !== undefined);
    const lo = valuesOf(below);
    const hi = valuesOf(above);
    const l = buildKernels(spec, lo, defaultWeights(lo.length));
    const g = buildKernels(spec, hi, defaultWeights(hi.length));
    let best: { x: number; score: number } | undefined;
    for (let c = 0; c < options.candidates; c++) {
      let x = sampleKernels(l, rng);
      if (spec.kind !== "categorical") {
        // Evaluate where the value will really land: snapped to its integers or step.
        const { log } = numericalDomain(spec);
        const snapped = snap(spec, log ? Math.exp(x) : x);
        x = log ? Math.log(snapped) : snapped;
      }
      const score = logDensity(l, x) - logDensity(g, x);
      if (best === undefined || score > best.score) best = { x, score };
    }
    const x = best!.x;
    params[key] = spec.kind === "categorical" ? spec.values[x] : snap(spec, numericalDomain(spec).log ? Math.exp(x) : x);
  }
  return params;
}
