/**
 * Drawing a sweep's next trials with its method, from the sampler state the
 * tracker recorded. Grid cells come in order; random and TPE draws of trial i
 * depend only on (seed, i) and, for TPE, the observations, so the state is how
 * many were drawn and a resumed sweep continues exactly where it stopped.
 */
import type { SweepConfig } from "../sweep-config.ts";
import { sampleRandom, sampleTpe, type Observation, type SamplerState } from "./samplers.ts";
import { gridCells, gridValues, type ParamValue, type TrialParams } from "./search-space.ts";

export function initialSamplerState(sweep: SweepConfig): SamplerState {
  return { method: sweep.method, seed: sweep.seed, drawn: 0, ...(sweep.method === "tpe" ? { tpe: sweep.tpe } : {}) };
}

/** The recorded state, checked against the sweep file it belongs to. */
export function restoreSamplerState(sweep: SweepConfig, recorded: unknown): SamplerState {
  const s = recorded as Partial<SamplerState> | null;
  if (s === null || typeof s !== "object" || typeof s.drawn !== "number") return initialSamplerState(sweep);
  return { ...initialSamplerState(sweep), ...s, drawn: s.drawn } as SamplerState;
}

export interface DrawResult {
  trials: { index: number; params: TrialParams }[];
  state: SamplerState;
}

/** Draws up to `count` trials after the `state.drawn` already recorded. */
export function drawTrials(sweep: SweepConfig, state: SamplerState, count: number, observations: Observation[]): DrawResult {
  const n = Math.max(0, Math.min(count, sweep.trialCount - state.drawn));
  const indices = Array.from({ length: n }, (_, k) => state.drawn + k + 1);
  let params: TrialParams[];
  switch (sweep.method) {
    case "grid": {
      const cells = sweep.trials.length > 0 ? sweep.trials.map((t) => t.params) : gridCells(sweep.space, (_k, spec) => gridValues(spec) as ParamValue[]);
      params = indices.map((i) => cells[i - 1]);
      break;
    }
    case "random":
      params = indices.map((i) => sampleRandom(sweep.space, state.seed, i));
      break;
    case "tpe":
      params = indices.map((i) => sampleTpe(sweep.space, state.seed, i, observations, state.tpe ?? sweep.tpe));
      break;
    default: {
      const unknown: never = sweep.method;
      throw new Error(`unknown method ${String(unknown)}`);
    }
  }
  return { trials: indices.map((index, k) => ({ index, params: params[k] })), state: { ...state, drawn: state.drawn + n } };
}
