/**
 * The sweep coordinator: records the sweep (or picks a recorded one up again),
 * draws trials with the sweep's method and records them with the sampler state,
 * hands claimable ones (new, interrupted, crashed with retries left) to an
 * executor, reaps runs whose process died, and ends when every trial has a
 * result. Executors decide where trials run: in this process (the default),
 * local worker processes, or pg-boss workers (the CLI provides those two).
 */
import type { BackendRegistry } from "@aelab/core";
import type { SweepRecord, Tracker, TrialRecord } from "@aelab/tracking";
import { STALE_RUN_MS, type RunOutcome } from "./execute-run.ts";
import type { Reporter } from "./reporter.ts";
import type { SweepConfig } from "./sweep-config.ts";
import { drawTrials, initialSamplerState, restoreSamplerState } from "./sweep/draw-trials.ts";
import type { SamplerState } from "./sweep/samplers.ts";
import { bestResult, isClaimable, isTerminal, listSweepRuns, observationsOf, toRunResult, trialCounts, type SweepRunResult } from "./sweep/sweep-results.ts";
import { createTrialWorker } from "./sweep/trial-worker.ts";

/** Where a sweep's trials run. */
export interface TrialExecutor {
  /** Trials running at once (TPE draws no further ahead than this). */
  readonly slots: number;
  /** Trials that can be claimed now: newly drawn, interrupted, or crashed with retries left. */
  submit(indices: number[]): Promise<void>;
  /** Makes progress (runs one trial here, or waits a little for workers); returns when something may have changed. */
  step(): Promise<void>;
  /** Stops the workers: after the sweep, or when it is aborted. */
  close(): Promise<void>;
}

export interface RunSweepOptions {
  sweep: SweepConfig;
  registry: BackendRegistry;
  tracker: Tracker;
  artifactsDir: string;
  reporter?: Reporter;
  signal?: AbortSignal;
  /** Continue this recorded sweep instead of recording a new one. */
  resume?: SweepRecord;
  /** Where trials run; default: one at a time in this process. */
  executor?: (sweepId: string) => TrialExecutor | Promise<TrialExecutor>;
  /** A run silent this long is marked crashed (its trial retried); default `STALE_RUN_MS`. */
  staleRunMs?: number;
  heartbeatMs?: number;
  /** The folder in-process trials share their baselines through (see `sweepBaselinesDir`), e.g. with a later `--resume`. */
  baselinesDir?: (sweepId: string) => string;
}

export interface SweepOutcome {
  sweepId: string;
  /** Every run of the sweep (retries included), in start order. */
  outcomes: SweepRunResult[];
  trials: TrialRecord[];
  /** The finished run with the best value of the sweep metric. */
  best: SweepRunResult | undefined;
  counts: ReturnType<typeof trialCounts>;
  meanImageValMse: number;
}

/** The sweep metric of an in-process run outcome (the best epoch's value). */
export function metricOf(outcome: RunOutcome, metric: string): number | undefined {
  const b = outcome.best;
  if (!b) return undefined;
  const byName: Record<string, number> = { val_mse: b.valMse, val_loss: b.valLoss, val_bce: b.valBce, train_loss: b.trainLoss };
  return byName[metric];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs trials one at a time in this process, in the order they were submitted. */
export function inProcessExecutor(options: RunSweepOptions, sweepId: string): TrialExecutor {
  const worker = createTrialWorker({ ...options, sweepId, baselinesDir: options.baselinesDir?.(sweepId) });
  const queue: number[] = [];
  return {
    slots: 1,
    async submit(indices) {
      queue.push(...indices.filter((i) => !queue.includes(i)));
    },
    async step() {
      const index = queue.shift();
      // Nothing to run here: a trial is running in another process (its run goes stale if that process died).
      if (index === undefined) return sleep(500);
      if (options.signal?.aborted) return;
      await worker.run(index);
    },
    async close() {
      // Nothing to stop: trials ran in this process.
    },
  };
}

/** Claimed trials whose process died before recording a run have no heartbeat to go stale: crash them by age. */
async function reap(tracker: Tracker, sweepId: string, staleMs: number): Promise<void> {
  await tracker.reapStaleRuns(staleMs);
  const now = Date.now();
  for (const t of await tracker.listTrials(sweepId)) {
    if (t.status === "running" && t.runId === null && now - t.updatedAt.getTime() > staleMs) await tracker.updateTrial(sweepId, t.index, { status: "crashed" });
  }
}

async function openSweep(options: RunSweepOptions): Promise<SweepRecord> {
  const { sweep, tracker } = options;
  if (options.resume) {
    await tracker.endSweep(options.resume.id, "running");
    return options.resume;
  }
  // Every backend the trials ask for must resolve before the sweep is recorded.
  const samples =
    sweep.trials.length > 0 ? sweep.trials.map((t) => t.config) : [sweep.buildTrial(drawTrials(sweep, initialSamplerState(sweep), 1, []).trials[0].params, 1)];
  for (const backend of new Set(samples.map((c) => c.training.backend))) {
    const config = samples.find((c) => c.training.backend === backend)!;
    await options.registry.resolve(backend, { purpose: "train", spec: config.spec });
  }
  return tracker.createSweep({
    experimentName: sweep.experiment,
    name: sweep.name,
    config: sweep.effective(),
    method: sweep.method,
    samplerState: initialSamplerState(sweep),
  });
}

/**
 * Runs (or resumes) a sweep to the end: every trial up to its cap has a result,
 * or the signal aborted it (the trial in progress is left `interrupted`, to be
 * run again by `--resume`).
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const { sweep, tracker, reporter } = options;
  const record = await openSweep(options);
  const loop: LoopState = {
    sweepId: record.id,
    state: options.resume ? restoreSamplerState(sweep, record.samplerState) : initialSamplerState(sweep),
    submitted: new Map(),
    lastReap: 0,
    lastProgress: "",
  };
  reporter?.sweepStart?.({ sweepId: record.id, name: sweep.name, total: sweep.trialCount });
  const executor = await (options.executor ?? ((id: string) => inProcessExecutor(options, id)))(record.id);
  let completed = false;
  try {
    while (!options.signal?.aborted) {
      completed = await tick(options, executor, loop);
      if (completed) break;
      await executor.step();
    }
  } finally {
    await executor.close();
    const trials = await tracker.listTrials(record.id);
    const anyResult = trials.some((t) => t.status === "finished" || t.status === "pruned");
    await tracker.endSweep(record.id, completed && anyResult ? "finished" : "failed");
  }
  return outcomeOf(options, record.id);
}

interface LoopState {
  sweepId: string;
  state: SamplerState;
  /** index → attempts when last handed to the executor, so each attempt is submitted once. */
  submitted: Map<number, number>;
  lastReap: number;
  lastProgress: string;
}

/** One look at the sweep: reap stale runs, draw trials, submit claimable ones, report. True when every trial has a result. */
async function tick(options: RunSweepOptions, executor: TrialExecutor, loop: LoopState): Promise<boolean> {
  const { sweep, tracker } = options;
  const staleMs = options.staleRunMs ?? STALE_RUN_MS;
  if (Date.now() - loop.lastReap > Math.min(5000, staleMs / 2)) {
    await reap(tracker, loop.sweepId, staleMs);
    loop.lastReap = Date.now();
  }
  let trials = await tracker.listTrials(loop.sweepId);
  const runs = await listSweepRuns(tracker, loop.sweepId);
  const toSubmit = trials.filter((t) => isClaimable(t, sweep.maxAttempts) && loop.submitted.get(t.index) !== t.attempts);
  const active = trials.filter((t) => !isTerminal(t, sweep.maxAttempts)).length;
  // TPE learns from results, so it draws only as slots free up; grid and random draw everything at once.
  const room = sweep.method === "tpe" ? executor.slots - active : sweep.trialCount;
  if (loop.state.drawn < sweep.trialCount && room > 0) {
    const drawn = drawTrials(sweep, loop.state, room, observationsOf(trials, runs, sweep.metric));
    const added = await tracker.addTrials(loop.sweepId, drawn.trials, drawn.state);
    loop.state = drawn.state;
    toSubmit.push(...added);
    trials = [...trials, ...added];
  }
  if (toSubmit.length > 0) {
    for (const t of toSubmit) loop.submitted.set(t.index, t.attempts);
    await executor.submit(toSubmit.map((t) => t.index));
  }
  const progress = progressOf(loop.sweepId, sweep, trials, runs);
  const key = JSON.stringify([progress.counts, progress.best?.runId, progress.running]);
  if (key !== loop.lastProgress) {
    loop.lastProgress = key;
    options.reporter?.sweepProgress?.(progress);
  }
  return loop.state.drawn >= sweep.trialCount && trials.every((t) => isTerminal(t, sweep.maxAttempts));
}

async function outcomeOf({ tracker, sweep }: RunSweepOptions, sweepId: string): Promise<SweepOutcome> {
  const trials = await tracker.listTrials(sweepId);
  const runs = await listSweepRuns(tracker, sweepId);
  const outcomes = runs.map((r) => toRunResult(r, sweep.metric));
  const meanImage = runs.find((r) => r.summary.mean_image_val_mse !== undefined)?.summary.mean_image_val_mse.latest;
  return {
    sweepId,
    outcomes,
    trials,
    best: bestResult(outcomes, sweep.metric),
    counts: trialCounts(trials, sweep.trialCount, sweep.maxAttempts),
    meanImageValMse: meanImage ?? Number.NaN,
  };
}

function progressOf(sweepId: string, sweep: SweepConfig, trials: TrialRecord[], runs: Awaited<ReturnType<typeof listSweepRuns>>) {
  const counts = trialCounts(trials, sweep.trialCount, sweep.maxAttempts);
  const best = bestResult(
    runs.map((r) => toRunResult(r, sweep.metric)),
    sweep.metric,
  );
  const byId = new Map(runs.map((r) => [r.id, r]));
  const running = trials.flatMap((t) => {
    const run = t.status === "running" && t.runId !== null ? byId.get(t.runId) : undefined;
    if (!run || run.status !== "running") return [];
    return [{ trialIndex: t.index, name: run.name, epoch: run.summary.val_loss?.step ?? 0, epochs: Number(run.params.epochs ?? 0), host: run.host }];
  });
  return {
    sweepId,
    total: sweep.trialCount,
    running,
    done: trials.filter((t) => isTerminal(t, sweep.maxAttempts)).length,
    counts,
    ...(best ? { best: { runId: best.runId, name: best.name, value: best.value!, metric: sweep.metric.name } } : {}),
  };
}
