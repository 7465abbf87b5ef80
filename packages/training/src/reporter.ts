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
  status: "finished" | "failed";
  bestValMse: number | null;
  error?: string;
}

export interface Reporter {
  sweepStart?(event: { sweepId: string; name: string; total: number }): void;
  runStart?(event: RunStartEvent): void;
  batch?(event: TrainProgress): void;
  epoch?(event: EpochReport & { runId: string }): void;
  runEnd?(event: RunEndEvent): void;
  /** Informational lines (baselines computed, warnings). */
  info?(message: string): void;
}
