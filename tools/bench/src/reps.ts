/**
 * The timing protocol shared by every system (the Python peer mirrors it):
 * a quiet wait, then a timed rep; the headline is the median over clean reps
 * when at least three were clean, otherwise over all reps, marked contended.
 */
import { CLEAN_LOAD, cpuSnapshot, cpuUseBetween, type QuietWaiter } from "./cpu-load.ts";

export const WORKLOADS = ["train", "encodeB1", "encodeB256", "fullB1", "fullB256"] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface RepSample {
  samplesPerSecond: number;
  seconds: number;
  foreignLoad: number | null;
  ownCpu: number;
}

export interface Measurement {
  workload: Workload;
  batch: number;
  /** Training only: optimiser steps per rep. */
  stepsPerRep?: number;
  reps: RepSample[];
  /** Median samples/s (see `summarise`). */
  median: number;
  /** True when fewer than 3 reps were clean, so the median includes contended reps. */
  contended: boolean;
  /** Median foreign load over all reps, in cores (null when unknown). */
  foreignLoad: number | null;
}

export const MIN_CLEAN_REPS = 3;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarise(workload: Workload, batch: number, reps: RepSample[], stepsPerRep?: number): Measurement {
  const clean = reps.filter((r) => r.foreignLoad === null || r.foreignLoad < CLEAN_LOAD);
  const contended = clean.length < Math.min(MIN_CLEAN_REPS, reps.length);
  const loads = reps.map((r) => r.foreignLoad).filter((v): v is number => v !== null);
  return {
    workload,
    batch,
    ...(stepsPerRep === undefined ? {} : { stepsPerRep }),
    reps,
    median: median((contended ? reps : clean).map((r) => r.samplesPerSecond)),
    contended,
    foreignLoad: loads.length > 0 ? median(loads) : null,
  };
}

/** Runs `count` reps of `rep`, which returns how many samples it processed. */
export async function runReps(count: number, waiter: QuietWaiter, rep: () => Promise<number>): Promise<RepSample[]> {
  const out: RepSample[] = [];
  for (let i = 0; i < count; i++) {
    await waiter.wait();
    const a = cpuSnapshot();
    const samples = await rep();
    const b = cpuSnapshot();
    const seconds = (b.wallMs - a.wallMs) / 1000;
    out.push({ samplesPerSecond: samples / seconds, seconds, ...cpuUseBetween(a, b) });
  }
  return out;
}

/** Seconds of calls per inference rep, and of warm-up calls before the first rep. */
export const INFER_REP_SECONDS = 0.6;
export const INFER_WARMUP_SECONDS = 0.3;

/** Calls `fn` (one batch per call) until `seconds` have passed, at least once; returns the samples done. */
export async function callsFor(seconds: number, batch: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  let calls = 0;
  do {
    await fn();
    calls++;
  } while ((performance.now() - t0) / 1000 < seconds);
  return calls * batch;
}
