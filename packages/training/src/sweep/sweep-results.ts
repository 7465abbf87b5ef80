/**
 * A sweep as the tracker holds it, read back for the coordinator, the samplers
 * and the CLI: trials, their runs, each run's objective, and the observations
 * TPE learns from. Everything here is derived from tracker records, so it is the
 * same whichever process (or machine) ran the trials.
 */
import type { RunRecord, Tracker, TrialRecord } from "@aelab/tracking";
import type { Observation } from "./samplers.ts";

export interface SweepMetric {
  name: string;
  goal: "minimize" | "maximize";
}

/** One run of a sweep, as the summary table shows it. */
export interface SweepRunResult {
  runId: string;
  name: string;
  trialIndex: number | null;
  status: RunRecord["status"];
  error?: string;
  architecture: string;
  hiddenSize: number;
  backend: string | null;
  /** The sweep metric of the run's best epoch (the saved weights), when it has one. */
  value: number | undefined;
  bestEpoch: number | undefined;
  valMse: number | undefined;
  valBce: number | undefined;
  pcaValMse: number;
  samplesPerSecond: number | undefined;
}

/** Trials that will not run again: results, and crashed trials out of retries. */
export function isTerminal(trial: TrialRecord, maxAttempts: number): boolean {
  return ["finished", "failed", "pruned"].includes(trial.status) || (trial.status === "crashed" && trial.attempts >= maxAttempts);
}

/** Trials a worker may claim now. */
export function isClaimable(trial: TrialRecord, maxAttempts: number): boolean {
  return trial.status === "pending" || trial.status === "interrupted" || (trial.status === "crashed" && trial.attempts < maxAttempts);
}

/**
 * The sweep metric of a run: the value at its best epoch (`best_<metric>`, what
 * its saved weights score) when logged, else the best value over epochs.
 */
export function runObjective(run: RunRecord, metric: SweepMetric): number | undefined {
  const best = run.summary[`best_${metric.name}`];
  if (best !== undefined) return best.latest;
  const s = run.summary[metric.name];
  if (s === undefined) return undefined;
  return metric.goal === "minimize" ? s.min : s.max;
}

export function toRunResult(run: RunRecord, metric: SweepMetric): SweepRunResult {
  return {
    runId: run.id,
    name: run.name,
    trialIndex: run.trialIndex,
    status: run.status,
    ...(run.error === null ? {} : { error: run.error }),
    architecture: run.architecture,
    hiddenSize: run.hiddenSize ?? 0,
    backend: run.backend,
    value: runObjective(run, metric),
    bestEpoch: run.summary.best_epoch?.latest,
    valMse: run.summary.best_val_mse?.latest ?? run.summary.val_mse?.min,
    valBce: run.summary.best_val_bce?.latest ?? run.summary.val_bce?.min,
    pcaValMse: run.summary.pca_val_mse?.latest ?? Number.NaN,
    samplesPerSecond: run.summary.samples_per_second === undefined ? undefined : run.summary.samples_per_second.latest,
  };
}

/** Every run of a sweep (the tracker pages at 1,000). */
export async function listSweepRuns(tracker: Tracker, sweepId: string): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await tracker.listRuns({ sweepId, limit: 1000, offset, orderBy: "startedAt", direction: "asc" });
    runs.push(...page.runs);
    if (runs.length >= page.total || page.runs.length === 0) return runs;
  }
}

/** The best finished run by the sweep metric. */
export function bestResult(results: SweepRunResult[], metric: SweepMetric): SweepRunResult | undefined {
  const sign = metric.goal === "minimize" ? 1 : -1;
  let best: SweepRunResult | undefined;
  for (const r of results) {
    if (r.status !== "finished" || r.value === undefined || !Number.isFinite(r.value)) continue;
    if (best === undefined || sign * r.value < sign * best.value!) best = r;
  }
  return best;
}

/** What TPE observes: finished, pruned and failed trials, the objective as minimised. */
export function observationsOf(trials: TrialRecord[], runs: RunRecord[], metric: SweepMetric): Observation[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const sign = metric.goal === "minimize" ? 1 : -1;
  const out: Observation[] = [];
  for (const t of trials) {
    if (t.status !== "finished" && t.status !== "pruned" && t.status !== "failed") continue;
    const run = t.runId === null ? undefined : byId.get(t.runId);
    const o: Observation = { index: t.index, params: t.params, status: t.status };
    if (t.status === "finished" && run) {
      const v = runObjective(run, metric);
      if (v !== undefined) o.value = sign * v;
    }
    if (t.status === "pruned" && run) {
      o.prunedEpoch = Number(run.tags.prunedEpoch ?? run.summary.val_loss?.step ?? 0);
      o.prunedValue = run.summary.val_loss?.latest;
    }
    out.push(o);
  }
  return out;
}

/** Trial counts by outcome for the summary: `skipped` are trials never run (pending, interrupted, or not drawn). */
export function trialCounts(
  trials: TrialRecord[],
  total: number,
  maxAttempts: number,
): Record<"finished" | "pruned" | "failed" | "crashed" | "running" | "skipped", number> {
  const counts = { finished: 0, pruned: 0, failed: 0, crashed: 0, running: 0, skipped: Math.max(0, total - trials.length) };
  for (const t of trials) {
    if (t.status === "finished" || t.status === "pruned" || t.status === "failed") counts[t.status]++;
    else if (t.status === "crashed") counts[t.attempts >= maxAttempts ? "crashed" : "skipped"]++;
    else if (t.status === "running") counts.running++;
    else counts.skipped++;
  }
  return counts;
}
