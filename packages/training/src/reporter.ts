/** Progress events from runs and sweeps; the CLI renders them as bars, tests ignore them. */
import type { EpochReport, TrainProgress } from "./train-loop.ts";

export interface RunStartEvent {
  runId: string;
  name: string;
  backend: string;
  /** 1-based position in a sweep, and the sweep size (1 for a single run). */
  index: number;
  total: number;
  epochs: number;
}

export interface RunEndEvent {
  runId: string;
  name: string;
  status: "finished" | "failed" | "pruned";
  bestValMse: number | null;
  error?: string;
  /** Stopped by the signal (Ctrl-C, SIGTERM): a sweep runs it again on `--resume`. */
  interrupted?: boolean;
}

/** Where a sweep stands, after each change the coordinator sees. */
export interface SweepProgressEvent {
  sweepId: string;
  /** Trials the sweep will run (its cap, or grid size). */
  total: number;
  /** Trials with a result: finished, pruned, failed, or crashed past the retry cap. */
  done: number;
  counts: Record<string, number>;
  /** The best finished trial so far by the sweep metric. */
  best?: { runId: string; name: string; value: number; metric: string };
  /** Trials in progress anywhere (any worker, any machine), with the last epoch their run logged. */
  running: { trialIndex: number; name: string; epoch: number; epochs: number; host: string | null }[];
}

export interface Reporter {
  sweepStart?(event: { sweepId: string; name: string; total: number }): void;
  runStart?(event: RunStartEvent): void;
  batch?(event: TrainProgress): void;
  epoch?(event: EpochReport & { runId: string }): void;
  runEnd?(event: RunEndEvent): void;
  /** A sweep's trial counts and best-so-far changed. */
  sweepProgress?(event: SweepProgressEvent): void;
  /** Informational lines (baselines computed, warnings). */
  info?(message: string): void;
}
