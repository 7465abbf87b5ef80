/**
 * The wire shape of a downsampled metric series (columnar: two number arrays
 * are far smaller than an array of objects), and merging a fine zoomed window
 * into the coarse full-range series the chart started with.
 */
import type { MetricWindow } from "@aelab/tracking";

/** What the run page charts (a run may log many more keys, with thousands of steps). */
export const RUN_CURVE_KEYS: { LOSS_KEYS: readonly string[]; MSE_KEYS: readonly string[]; PCA_KEY: string } = {
  LOSS_KEYS: ["train_loss", "val_loss"],
  MSE_KEYS: ["val_mse"],
  PCA_KEY: "pca_val_mse",
};
/** Only these keys are fetched for the run page. Lives here, not in the client component, so the server page can import it. */
export const CURVE_KEYS: string[] = [...RUN_CURVE_KEYS.LOSS_KEYS, ...RUN_CURVE_KEYS.MSE_KEYS, RUN_CURVE_KEYS.PCA_KEY];

export interface Curve {
  runId: string;
  key: string;
  /** Points in the requested window before downsampling. */
  total: number;
  downsampled: boolean;
  steps: number[];
  /** May hold NaN / ±Infinity (superjson carries them). */
  values: number[];
  /** True when every point's epoch equals its step (the trainer logs per-epoch curves that way). */
  epochIsStep: boolean;
}

export function toCurve(window: MetricWindow): Curve {
  return {
    runId: window.runId,
    key: window.key,
    total: window.total,
    downsampled: window.downsampled,
    steps: window.points.map((p) => p.step),
    values: window.points.map((p) => p.value),
    epochIsStep: window.points.every((p) => p.epoch === p.step),
  };
}

/** The per-series point budget of an overlay of `series` curves: about 6,000 points in all, 100–1,000 each. */
export function overlayBudget(series: number): number {
  return Math.max(100, Math.min(1000, Math.floor(6000 / Math.max(1, series))));
}

/**
 * The coarse curve outside [from, to] with the fine curve inside it, so a zoomed
 * chart shows every kept point of the window and can still pan and zoom out.
 */
export function mergeWindow(coarse: Curve, fine: Curve | undefined, from: number, to: number): Curve {
  if (!fine) return coarse;
  const steps: number[] = [];
  const values: number[] = [];
  const push = (step: number, value: number) => {
    steps.push(step);
    values.push(value);
  };
  coarse.steps.forEach((step, i) => step < from && push(step, coarse.values[i]));
  fine.steps.forEach((step, i) => push(step, fine.values[i]));
  coarse.steps.forEach((step, i) => step > to && push(step, coarse.values[i]));
  return { ...coarse, steps, values, downsampled: coarse.downsampled || fine.downsampled };
}

export interface StepWindow {
  from: number;
  to: number;
}

/** The zoom in a URL, or null for none / nonsense. */
export function parseWindow(from: string | null, to: string | null): StepWindow | null {
  if (from === null || to === null || !/^-?\d{1,10}$/.test(from) || !/^-?\d{1,10}$/.test(to)) return null;
  const window = { from: Number(from), to: Number(to) };
  return window.from < window.to ? window : null;
}

/** The smallest and largest step of the curves (the un-zoomed axis). */
export function stepExtent(curves: readonly Curve[]): StepWindow | null {
  const steps = curves.flatMap((c) => c.steps.slice(0, 1).concat(c.steps.slice(-1)));
  return steps.length ? { from: Math.min(...steps), to: Math.max(...steps) } : null;
}
