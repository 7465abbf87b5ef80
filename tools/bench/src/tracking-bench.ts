/**
 * The tracking benchmarks, through @aelab/tracking's public API only:
 * - metric writes as a training loop makes them (5 keys a step, through the
 *   process's MetricWriter, yielding to the event loop every step), and one
 *   `logMetrics` call per step for contrast;
 * - the compare page's tracking calls on a database of N runs × M points.
 * Each phase records its wall time, this process's CPU time, the other
 * processes' load (cores) and the load average.
 */
import { loadavg } from "node:os";
import { MetricWriter, type MetricInput, type Tracker } from "@aelab/tracking";
import { cpuSnapshot, cpuUseBetween } from "./cpu-load.ts";
import { median } from "./reps.ts";
import type { OpenBenchStore } from "./tracking-stores.ts";

/** What a trainer logs per step here; the compare page reads best_val_mse and pca_val_mse. */
export const STEP_KEYS = ["train_loss", "val_loss", "val_mse", "best_val_mse", "pca_val_mse"] as const;
const ARCHITECTURES = ["dense", "deep-dense", "conv", "seed-conv"];
const HIDDEN_SIZES = [2, 4, 8, 16, 32, 64];
/** The page overlays the runs picked in the URL; the dashboard's own scale test uses 20. */
export const OVERLAY_RUNS = 20;

export interface PhaseCost {
  seconds: number;
  /** This process's CPU time over the phase, in seconds. */
  ownCpuSeconds: number;
  /** Other processes' CPU use, in cores (includes the PostgreSQL server working for us). */
  foreignLoad: number | null;
  loadAvg1: [number, number];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; cost: PhaseCost }> {
  const load0 = loadavg()[0];
  const a = cpuSnapshot();
  const value = await fn();
  const b = cpuSnapshot();
  const use = cpuUseBetween(a, b);
  const seconds = (b.wallMs - a.wallMs) / 1000;
  return { value, cost: { seconds, ownCpuSeconds: use.ownCpu * seconds, foreignLoad: use.foreignLoad, loadAvg1: [load0, loadavg()[0]] } };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function pointsAt(step: number, seed: number): MetricInput[] {
  const loss = 0.05 + 0.5 / (1 + step / 20) + 0.001 * Math.sin(step + seed);
  const values = [loss, loss * 1.05, loss * 0.2, loss * 0.19, 0.03 + (seed % 7) * 0.001];
  return STEP_KEYS.map((key, i) => ({ key, value: values[i], step, epoch: step }));
}

function startBenchRun(tracker: Tracker, experimentName: string, index: number) {
  const architecture = ARCHITECTURES[index % ARCHITECTURES.length];
  const hiddenSize = HIDDEN_SIZES[Math.floor(index / ARCHITECTURES.length) % HIDDEN_SIZES.length];
  return tracker.startRun({
    experimentName,
    name: `${architecture}-${hiddenSize}-${index}`,
    architecture,
    hiddenSize,
    spec: { architecture, inputShape: [28, 28, 1], hiddenSize },
    seed: index,
    params: { learningRate: 0.001 * (1 + (index % 5)), batchSize: 64, epochs: 10 },
  });
}

/** A training loop's logging: one `log` of 5 points per step, then close (flush). */
async function loggedLoop(writer: MetricWriter, runId: string, steps: number, seed: number): Promise<void> {
  for (let step = 0; step < steps; step++) {
    writer.log(runId, pointsAt(step, seed));
    await yieldToLoop();
  }
}

export interface WriteRep {
  points: number;
  cost: PhaseCost;
  pointsPerSecond: number;
}

export interface WriteResult {
  mode: "metric-writer" | "log-metrics-per-step";
  reps: WriteRep[];
  medianPointsPerSecond: number;
}

function writeResult(mode: WriteResult["mode"], reps: WriteRep[]): WriteResult {
  return { mode, reps, medianPointsPerSecond: median(reps.map((r) => r.pointsPerSecond)) };
}

/** `reps` runs of `steps` steps each through a MetricWriter (default options: 250 ms, 5,000 points a batch). */
export async function measureWriterThroughput(store: OpenBenchStore, options: { steps: number; reps: number }): Promise<WriteResult> {
  const reps: WriteRep[] = [];
  for (let i = 0; i < options.reps; i++) {
    const run = await startBenchRun(store.tracker, "bench-writes", i);
    const writer = new MetricWriter(store.tracker);
    const { cost } = await timed(async () => {
      await loggedLoop(writer, run.id, options.steps, i);
      await writer.close();
    });
    await store.tracker.endRun(run.id, { status: "finished" });
    const points = options.steps * STEP_KEYS.length;
    reps.push({ points, cost, pointsPerSecond: points / cost.seconds });
  }
  return writeResult("metric-writer", reps);
}

/** The unbatched contrast: one `logMetrics` (one transaction) of 5 points per step. */
export async function measurePerStepThroughput(store: OpenBenchStore, options: { steps: number; reps: number }): Promise<WriteResult> {
  const reps: WriteRep[] = [];
  for (let i = 0; i < options.reps; i++) {
    const run = await startBenchRun(store.tracker, "bench-writes", 100 + i);
    const { cost } = await timed(async () => {
      for (let step = 0; step < options.steps; step++) await store.tracker.logMetrics(run.id, pointsAt(step, i));
    });
    await store.tracker.endRun(run.id, { status: "finished" });
    const points = options.steps * STEP_KEYS.length;
    reps.push({ points, cost, pointsPerSecond: points / cost.seconds });
  }
  return writeResult("log-metrics-per-step", reps);
}

export interface LoadResult {
  runs: number;
  points: number;
  cost: PhaseCost;
  /** Points per second including each run's startRun, flush and endRun. */
  pointsPerSecond: number;
}

/**
 * Fills the compare experiment: `runs` finished runs, one after another as a
 * sweep's trials would be, each logging `steps` steps × 5 keys through the
 * process's one MetricWriter, flushed before `endRun`.
 */
export async function loadCompareData(
  store: OpenBenchStore,
  options: { runs: number; steps: number; progress: (message: string) => void },
): Promise<LoadResult> {
  const writer = new MetricWriter(store.tracker);
  const { cost } = await timed(async () => {
    for (let i = 0; i < options.runs; i++) {
      const run = await startBenchRun(store.tracker, "bench-compare", i);
      await loggedLoop(writer, run.id, options.steps, i);
      await writer.flush();
      await store.tracker.endRun(run.id, { status: "finished" });
      if ((i + 1) % 100 === 0) options.progress(`${store.name}: ${i + 1}/${options.runs} runs loaded`);
    }
    await writer.close();
  });
  const points = options.runs * options.steps * STEP_KEYS.length;
  return { runs: options.runs, points, cost, pointsPerSecond: points / cost.seconds };
}

export const QUERIES = ["compare", "overlay", "page"] as const;
export type QueryName = (typeof QUERIES)[number];

export interface QueryResult {
  query: QueryName;
  /** What the query returned on the last rep: rows for compare, series × points for the overlay. */
  returned: string;
  ms: number[];
  medianMs: number;
  cost: PhaseCost;
}

/** The compare page's tracking calls (see apps/dashboard/src/app/compare/page.tsx), as its routers make them. */
function pageCalls(store: OpenBenchStore, overlayRunIds: string[]) {
  const compare = () => store.tracker.compare({ experimentName: "bench-compare", metric: "best_val_mse", pcaMetric: "pca_val_mse" });
  // metrics.overlay: overlayBudget(20 series) = 300 points a series.
  const overlay = () => store.queries.metricWindows({ runIds: overlayRunIds, keys: ["val_loss"], maxPoints: 300 });
  const page = () => Promise.all([compare(), store.tracker.listExperiments(), store.tracker.listSweeps("bench-compare"), overlay()]);
  return { compare, overlay, page };
}

function describeReturned(query: QueryName, value: unknown): string {
  if (query === "compare") return `${(value as unknown[]).length} rows`;
  const windows = (query === "overlay" ? value : (value as unknown[])[3]) as { points: unknown[] }[];
  const points = windows.reduce((n, w) => n + w.points.length, 0);
  return query === "overlay" ? `${windows.length} series, ${points} points` : `4 calls (compare, experiments, sweeps, overlay of ${points} points)`;
}

/** One warm-up call, then `reps` timed calls of each query, one query after another. */
export async function measureCompareQueries(store: OpenBenchStore, reps: number): Promise<QueryResult[]> {
  const rows = await store.tracker.compare({ experimentName: "bench-compare", metric: "best_val_mse" });
  const calls = pageCalls(
    store,
    rows.slice(0, OVERLAY_RUNS).map((r) => r.runId),
  );
  const results: QueryResult[] = [];
  for (const query of QUERIES) {
    let returned: unknown = await calls[query]();
    const ms: number[] = [];
    const { cost } = await timed(async () => {
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        returned = await calls[query]();
        ms.push(performance.now() - t0);
      }
    });
    results.push({ query, returned: describeReturned(query, returned), ms, medianMs: median(ms), cost });
  }
  return results;
}
