/**
 * Running one sweep trial wherever a worker is (the sweep's own process, a
 * local worker process, or an `aelab worker` on another machine): claim it
 * through the tracker, train it as a tracked run linked to the trial, report
 * each epoch's validation loss to the pruner, and record the trial's outcome.
 * The tracker's claim and one-finished-run rules make duplicates harmless.
 */
import { inferShapes, type BackendRegistry } from "@aelab/core";
import type { SweepMetricPoint, Tracker, TrialRecord, TrialStatus } from "@aelab/tracking";
import { Baselines } from "../baselines.ts";
import { prepareData, type PreparedData } from "../datasets.ts";
import { executeRun, type RunOutcome } from "../execute-run.ts";
import type { Reporter } from "../reporter.ts";
import type { RunConfig } from "../run-config.ts";
import type { SweepConfig } from "../sweep-config.ts";
import { decidePrune, type PrunerConfig, type TrialCurve } from "./pruners.ts";
import { isClaimable } from "./sweep-results.ts";

export interface TrialWorkerOptions {
  sweep: SweepConfig;
  sweepId: string;
  tracker: Tracker;
  registry: BackendRegistry;
  artifactsDir: string;
  reporter?: Reporter;
  signal?: AbortSignal;
  heartbeatMs?: number;
  /** Share the baselines (PCA, its probe) with the sweep's other worker processes through this folder. */
  baselinesDir?: string;
}

export type TrialAttempt = { claimed: false } | { claimed: true; index: number; status: TrialStatus; outcome?: RunOutcome; error?: string };

export interface TrialWorker {
  /** Claims and runs trial `index`; `{ claimed: false }` when it is not claimable (done, running elsewhere, out of retries). */
  run(index: number): Promise<TrialAttempt>;
  /** Indices of the sweep's trials that can be claimed now, in order. */
  claimable(): Promise<number[]>;
}

/** Curves of every other run of the sweep, for the pruner. */
function curvesOf(points: SweepMetricPoint[], ownRunId: string): TrialCurve[] {
  const byRun = new Map<string, TrialCurve>();
  for (const p of points) {
    if (p.runId === ownRunId) continue;
    let c = byRun.get(p.runId);
    if (!c) byRun.set(p.runId, (c = { trialIndex: p.trialIndex ?? 0, finished: p.status === "finished", values: new Map() }));
    c.values.set(p.step, p.value);
  }
  return [...byRun.values()];
}

function pruneCheck(options: TrialWorkerOptions, pruner: PrunerConfig, epochs: number) {
  const own = new Map<number, number>();
  return async (report: { epoch: number; valLoss: number }, runId: string): Promise<string | undefined> => {
    own.set(report.epoch, report.valLoss);
    // Stopping after the last epoch saves nothing: the trial counts as finished.
    if (report.epoch >= epochs) return undefined;
    const others = curvesOf(await options.tracker.getSweepMetric(options.sweepId, "val_loss"), runId);
    const decision = decidePrune(pruner, report.epoch, own, others);
    return decision.prune ? decision.reason : undefined;
  };
}

function trialStatusOf(outcome: RunOutcome): TrialStatus {
  if (outcome.trialFinishedBy !== undefined) return "finished";
  if (outcome.interrupted) return "interrupted";
  return outcome.status;
}

export function createTrialWorker(options: TrialWorkerOptions): TrialWorker {
  const { sweep, sweepId, tracker } = options;
  let prepared: { data: PreparedData; baselines: Baselines } | undefined;
  const dataOnce = () => {
    if (!prepared) {
      const data = prepareData(sweep.data);
      prepared = { data, baselines: new Baselines(data.split, options.baselinesDir === undefined ? {} : { cacheDir: options.baselinesDir }) };
    }
    return prepared;
  };
  return {
    async claimable() {
      return (await tracker.listTrials(sweepId)).filter((t) => isClaimable(t, sweep.maxAttempts)).map((t) => t.index);
    },
    async run(index) {
      const { data, baselines } = dataOnce();
      const drawn = (await tracker.listTrials(sweepId)).find((t) => t.index === index);
      if (drawn === undefined || !isClaimable(drawn, sweep.maxAttempts)) return { claimed: false };
      let config: RunConfig | undefined;
      let refusal: string | undefined;
      try {
        config = sweep.buildTrial(drawn.params, index);
        // The baselines take seconds of synchronous work (PCA): compute them before the claim, so no claimed
        // trial or recorded run goes silent long enough to look crashed.
        baselines.meanImage();
        baselines.warm([inferShapes(config.spec).codeSize]);
      } catch (error) {
        refusal = error instanceof Error ? error.message : String(error);
      }
      const trial: TrialRecord | null = await tracker.claimTrial(sweepId, index, { maxAttempts: sweep.maxAttempts });
      if (trial === null) return { claimed: false };
      let outcome: RunOutcome;
      try {
        if (config === undefined) throw new Error(refusal);
        outcome = await executeRun({
          config,
          data,
          baselines,
          registry: options.registry,
          tracker,
          artifactsDir: options.artifactsDir,
          sweepId,
          trialIndex: index,
          extraParams: { trial: index, attempt: trial.attempts },
          reporter: options.reporter,
          signal: options.signal,
          position: { index, total: sweep.trialCount },
          heartbeatMs: options.heartbeatMs,
          onRunStarted: (runId) => tracker.updateTrial(sweepId, index, { status: "running", runId }),
          pruneCheck: sweep.pruner ? pruneCheck(options, sweep.pruner, config.training.epochs) : undefined,
        });
      } catch (error) {
        // Refused before a run was recorded (e.g. a drawn combination the spec rules reject): the trial fails.
        const message = error instanceof Error ? error.message : String(error);
        options.reporter?.info?.(`trial ${index} FAILED before training: ${message}`);
        await tracker.updateTrial(sweepId, index, { status: options.signal?.aborted ? "interrupted" : "failed" });
        return { claimed: true, index, status: "failed", error: message };
      }
      const status = trialStatusOf(outcome);
      await tracker.updateTrial(sweepId, index, { status, runId: outcome.trialFinishedBy ?? outcome.runId });
      return { claimed: true, index, status, outcome, ...(outcome.error === undefined ? {} : { error: outcome.error }) };
    },
  };
}
