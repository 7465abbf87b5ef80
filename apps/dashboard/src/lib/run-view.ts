/** Derived values the run views show, defined once. */
import type { RunRecord } from "@aelab/tracking";

export const LIVE_STATUSES: ReadonlyArray<RunRecord["status"]> = ["queued", "running"];

export function bestValMse(run: Pick<RunRecord, "summary">): number | null {
  // The figures of the saved weights' epoch; runs still training fall back to the lowest so far.
  return run.summary.best_val_mse?.latest ?? run.summary.val_mse?.min ?? null;
}

/**
 * Epochs completed. Trainers log one step per epoch, numbered from 1, so the
 * step of the latest loss is the epoch count; an explicit `epoch` metric wins.
 */
export function epochsOf(run: Pick<RunRecord, "summary">): number | null {
  const { summary } = run;
  if (summary.epoch) return summary.epoch.latest;
  const steps = [summary.train_loss, summary.val_loss, summary.val_mse].flatMap((s) => (s ? [s.step] : []));
  return steps.length ? Math.max(...steps) : null;
}

/** One row of the runs table: what the table shows of a run and no more (the page and its live poll send only these). */
export interface RunRow {
  id: string;
  name: string;
  architecture: string;
  hiddenSize: number | null;
  status: RunRecord["status"];
  backend: string | null;
  bestValMse: number | null;
  epochs: number | null;
  startedAt: Date;
}

export function toRunRow(run: Pick<RunRecord, "id" | "name" | "architecture" | "hiddenSize" | "status" | "backend" | "summary" | "startedAt">): RunRow {
  const { id, name, architecture, hiddenSize, status, backend, startedAt } = run;
  return { id, name, architecture, hiddenSize, status, backend, bestValMse: bestValMse(run), epochs: epochsOf(run), startedAt };
}
