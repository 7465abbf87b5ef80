/** Runs every trial of a sweep on one shared split, recording each as a run of the sweep. */
import { inferShapes, type BackendRegistry } from "@aelab/core";
import type { Tracker } from "@aelab/tracking";
import { Baselines } from "./baselines.ts";
import { prepareData } from "./datasets.ts";
import { executeRun, type RunOutcome } from "./execute-run.ts";
import type { Reporter } from "./reporter.ts";
import type { SweepConfig } from "./sweep-config.ts";

export interface RunSweepOptions {
  sweep: SweepConfig;
  registry: BackendRegistry;
  tracker: Tracker;
  artifactsDir: string;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export interface SweepOutcome {
  sweepId: string;
  outcomes: RunOutcome[];
  /** The finished run with the best value of the sweep metric. */
  best: RunOutcome | undefined;
  meanImageValMse: number;
}

export function metricOf(outcome: RunOutcome, metric: string): number | undefined {
  const b = outcome.best;
  if (!b) return undefined;
  const byName: Record<string, number> = { val_mse: b.valMse, val_loss: b.valLoss, val_bce: b.valBce, train_loss: b.trainLoss };
  return byName[metric];
}

export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const { sweep, tracker, reporter } = options;
  // Every trial's backend must resolve before the sweep is recorded.
  for (const backend of new Set(sweep.trials.map((t) => t.config.training.backend))) {
    const trial = sweep.trials.find((t) => t.config.training.backend === backend)!;
    await options.registry.resolve(backend, { purpose: "train", spec: trial.config.spec });
  }
  const record = await tracker.createSweep({ experimentName: sweep.experiment, name: sweep.name, config: sweep.raw });
  reporter?.sweepStart?.({ sweepId: record.id, name: sweep.name, total: sweep.trials.length });
  const data = prepareData(sweep.data);
  const baselines = new Baselines(data.split);
  reporter?.info?.(
    `Data: ${data.description.source}, ${data.description.trainSize} train / ${data.description.validationSize} validation (seed ${data.description.seed})`,
  );
  baselines.precompute(sweep.trials.map((t) => inferShapes(t.config.spec).codeSize));
  const outcomes: RunOutcome[] = [];
  try {
    for (const [i, trial] of sweep.trials.entries()) {
      if (options.signal?.aborted) break;
      outcomes.push(
        await executeRun({
          config: trial.config,
          data,
          baselines,
          registry: options.registry,
          tracker,
          artifactsDir: options.artifactsDir,
          sweepId: record.id,
          extraParams: { trial: i + 1 },
          reporter,
          signal: options.signal,
          position: { index: i + 1, total: sweep.trials.length },
        }),
      );
    }
  } finally {
    const failed = outcomes.every((o) => o.status === "failed") || options.signal?.aborted === true;
    await tracker.endSweep(record.id, failed ? "failed" : "finished");
  }
  const sign = sweep.metric.goal === "minimize" ? 1 : -1;
  let best: RunOutcome | undefined;
  for (const o of outcomes) {
    const v = metricOf(o, sweep.metric.name);
    if (o.status !== "finished" || v === undefined) continue;
    const bv = best ? metricOf(best, sweep.metric.name)! : undefined;
    if (bv === undefined || sign * v < sign * bv) best = o;
  }
  return { sweepId: record.id, outcomes, best, meanImageValMse: baselines.meanImage() };
}
