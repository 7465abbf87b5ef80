import { dirname, resolve } from "node:path";
import { createTracker } from "@aelab/tracking";
import { Baselines, executeRun, parseRunConfig, prepareData, readConfigFile } from "@aelab/training";
import { parseWith, specWarnings, trainingConfigSchema } from "@aelab/core";
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { fmt } from "../format.ts";
import { createProgressReporter } from "../progress.ts";
import { createRegistry } from "../registry.ts";
import { runTiming } from "../run-timing.ts";

export interface TrainFlags {
  backend?: string;
  epochs?: number;
}

export async function trainCommand(file: string, flags: TrainFlags, ctx: CliContext): Promise<number> {
  // Everything is validated before the tracker is opened: a bad file leaves no run behind.
  const raw = readConfigFile(file) as Record<string, unknown>;
  // Data paths in the file are relative to the file, like imports.
  const config = parseRunConfig(raw, file, { baseDir: dirname(resolve(file)) });
  if (flags.backend || flags.epochs) {
    const overrides = { ...config.training, ...(flags.backend ? { backend: flags.backend } : {}), ...(flags.epochs ? { epochs: flags.epochs } : {}) };
    config.training = parseWith(trainingConfigSchema, overrides, { what: "command-line options", prefix: "training" });
  }
  for (const w of specWarnings(config.spec)) ctx.err(`warning: ${w}`);
  const timing = runTiming();
  const registry = createRegistry();
  const tracker = await createTracker({ url: ctx.db });
  await tracker.reapStaleRuns(timing.staleRunMs);
  const reporter = createProgressReporter();
  try {
    const data = prepareData(config.data);
    const outcome = await executeRun({
      config,
      data,
      baselines: new Baselines(data.split),
      registry,
      tracker,
      artifactsDir: ctx.artifactsDir,
      reporter,
      signal: ctx.signal,
      heartbeatMs: timing.heartbeatMs,
    });
    reporter.stop();
    if (outcome.status !== "finished") {
      ctx.err(`Run ${outcome.runId} failed: ${outcome.error}`);
      return EXIT.runFailed;
    }
    ctx.out(
      `Run ${outcome.runId} (${outcome.name}) finished on ${outcome.backend}: best val MSE ${fmt(outcome.best?.valMse)} ` +
        `(PCA-${outcome.hiddenSize} ${fmt(outcome.pcaValMse)}, mean image ${fmt(outcome.meanImageValMse)}).`,
    );
    return EXIT.ok;
  } finally {
    reporter.stop();
    await tracker.close();
  }
}
