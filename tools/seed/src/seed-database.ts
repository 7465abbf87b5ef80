/**
 * Writes the synthetic runs into a tracking database through the tracker's API
 * (sweeps, trials, runs, params, tags, scalar metrics, statuses) and the curve
 * points through the SQLite bulk path (or logBatch), timing the point writes.
 */
import { createTracker, openBulkMetricLoader, type MetricInput, type Tracker } from "@aelab/tracking";
import type { SeedOptions } from "./seed-options";
import { argmin, CURVE_KEYS, prng, syntheticCurve, syntheticRun, type SyntheticRun } from "./synthetic-runs";

/** logBatch takes at most this many points per call here (one transaction each). */
const BATCH_POINTS = 5000;

export interface SeedReport {
  runs: number;
  sweeps: number;
  points: number;
  seconds: number;
  /** Time spent writing curve points only. */
  pointSeconds: number;
  byStatus: Record<string, number>;
}

function curvePoints(run: SyntheticRun, keys: readonly (typeof CURVE_KEYS)[number][], totalSteps: number): MetricInput[] {
  const points: MetricInput[] = [];
  for (const key of keys) {
    const values = syntheticCurve(run, key, totalSteps);
    for (let i = 0; i < values.length; i++) points.push({ key, value: values[i], step: i + 1, epoch: i + 1 });
  }
  return points;
}

function scalars(run: SyntheticRun, totalSteps: number): MetricInput[] {
  const mse = syntheticCurve(run, "val_mse", totalSteps);
  const best = argmin(mse);
  return [
    { key: "pca_val_mse", value: run.pcaMse, step: 0 },
    { key: "mean_image_val_mse", value: 0.0655, step: 0 },
    ...(best < 0 || run.status === "failed"
      ? []
      : [
          { key: "best_epoch", value: best + 1, step: 0 },
          { key: "best_val_mse", value: mse[best], step: 0 },
        ]),
  ];
}

/** A split like the trainer's: the validation indices make it the heavy field of a run. */
function splitOf(run: SyntheticRun): unknown {
  const random = prng(run.seed + 17);
  const validationIndices = Array.from({ length: 1000 }, () => Math.floor(random() * 10_000));
  return { dataset: "mnist", seed: 7, train: 9000, validation: 1000, validationIndices };
}

async function seedRun(
  tracker: Tracker,
  write: (runId: string, points: MetricInput[]) => Promise<void>,
  options: SeedOptions,
  at: { sweepId: string; trial: number; run: SyntheticRun },
) {
  const { run } = at;
  await tracker.claimTrial(at.sweepId, at.trial, { maxAttempts: 1 });
  const record = await tracker.startRun({
    experimentName: options.experiment,
    name: run.name,
    sweepId: at.sweepId,
    trialIndex: at.trial,
    architecture: run.architecture,
    hiddenSize: run.hiddenSize,
    spec: { architecture: run.architecture, hiddenSize: run.hiddenSize, input: { shape: [28, 28, 1] } },
    seed: run.seed,
    split: splitOf(run),
    backend: "synthetic",
    params: run.params,
    tags: { seeded: "true", source: "tools/seed" },
  });
  await write(record.id, curvePoints(run, CURVE_KEYS.slice(0, options.metrics), options.steps));
  await tracker.logBatch(record.id, { metrics: scalars(run, options.steps) });
  await tracker.endRun(record.id, run.status === "failed" ? { status: "failed", error: "diverged: val_loss is NaN" } : { status: run.status });
  await tracker.updateTrial(at.sweepId, at.trial, { status: run.status, runId: record.id });
}

export async function seedDatabase(options: SeedOptions, progress: (line: string) => void): Promise<SeedReport> {
  const started = performance.now();
  const tracker = await createTracker({ url: options.db });
  const loader = options.writer === "bulk" ? openBulkMetricLoader(options.db) : null;
  const report: SeedReport = { runs: 0, sweeps: 0, points: 0, seconds: 0, pointSeconds: 0, byStatus: {} };
  const write = async (runId: string, points: MetricInput[]) => {
    const t0 = performance.now();
    if (loader) loader.load(runId, points);
    else for (let i = 0; i < points.length; i += BATCH_POINTS) await tracker.logBatch(runId, { metrics: points.slice(i, i + BATCH_POINTS) });
    report.pointSeconds += (performance.now() - t0) / 1000;
    report.points += points.length;
  };
  try {
    for (let first = 0; first < options.runs; first += options.sweepSize) {
      const runs = Array.from({ length: Math.min(options.sweepSize, options.runs - first) }, (_, i) => syntheticRun(first + i, options.steps, options.seed));
      const sweep = await tracker.createSweep({
        experimentName: options.experiment,
        name: `sweep-${String(report.sweeps + 1).padStart(2, "0")}`,
        method: report.sweeps % 2 === 0 ? "tpe" : "random",
        config: { seeded: true, parameters: ["architecture", "hiddenSize", "training.optimizer.learningRate", "training.batchSize", "model.dropout"] },
      });
      await tracker.addTrials(
        sweep.id,
        runs.map((run, i) => ({ index: i + 1, params: run.params })),
      );
      for (const [i, run] of runs.entries()) {
        await seedRun(tracker, write, options, { sweepId: sweep.id, trial: i + 1, run });
        report.runs++;
        report.byStatus[run.status] = (report.byStatus[run.status] ?? 0) + 1;
        if (report.runs % 50 === 0 || report.runs === options.runs) {
          const elapsed = (performance.now() - started) / 1000;
          progress(`${report.runs}/${options.runs} runs, ${report.points.toLocaleString("en")} points, ${elapsed.toFixed(0)} s`);
        }
      }
      await tracker.endSweep(sweep.id, "finished");
      report.sweeps++;
    }
  } finally {
    loader?.close();
    await tracker.close();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
