import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { specWarnings } from "@aelab/core";
import { createTracker } from "@aelab/tracking";
import { STALE_RUN_MS, exportRun, metricOf, parseSweepConfig, readConfigFile, runSweep, type SweepOutcome } from "@aelab/training";
import { dirname, resolve } from "node:path";
import type { CliContext } from "../context.ts";
import { EXIT, exitCodeFor } from "../exit-codes.ts";
import { duration, fmt, table } from "../format.ts";
import { createProgressReporter } from "../progress.ts";
import { createRegistry } from "../registry.ts";

export interface SweepFlags {
  backend?: string;
  export: boolean;
  out?: string;
}

export async function sweepCommand(file: string, flags: SweepFlags, ctx: CliContext): Promise<number> {
  const started = performance.now();
  const sweep = parseSweepConfig(readConfigFile(file), file, { baseDir: dirname(resolve(file)) });
  if (flags.backend) for (const t of sweep.trials) t.config.training.backend = flags.backend;
  for (const warning of new Set(sweep.trials.flatMap((t) => specWarnings(t.config.spec).map((w) => `${t.config.spec.name}: ${w}`))))
    ctx.err(`warning: ${warning}`);
  const registry = createRegistry();
  const tracker = await createTracker({ url: ctx.db });
  await tracker.reapStaleRuns(STALE_RUN_MS);
  const reporter = createProgressReporter();
  try {
    const result = await runSweep({ sweep, registry, tracker, artifactsDir: ctx.artifactsDir, reporter, signal: ctx.signal });
    reporter.stop();
    ctx.out("");
    ctx.out(summaryTable(result, sweep.metric.name));
    ctx.out(`\nMean-image baseline (predict the average training digit): val MSE ${fmt(result.meanImageValMse)}`);
    let code: number = result.outcomes.some((o) => o.status === "failed") ? EXIT.runFailed : EXIT.ok;
    if (sweep.exportBest && flags.export && result.best) {
      const best = result.best;
      ctx.out(`\nBest run: ${best.name} (${best.runId}), ${sweep.metric.name} ${fmt(metricOf(best, sweep.metric.name))}. Exporting to ONNX…`);
      try {
        const exported = await exportRun({
          tracker,
          registry,
          runId: best.runId,
          parts: ["encoder", "decoder", "full"],
          outDir: resolve(flags.out ?? "artifacts/onnx"),
          openFile: (bytes) => loadOnnxModel(bytes),
        });
        ctx.out(
          table(
            ["part", "file", "bytes", `max |onnxruntime − ${exported.referenceBackend}|`],
            exported.files.map((f) => [f.part, f.path, f.bytes, f.parity.toExponential(2)]),
            ["l", "l", "r", "r"],
          ),
        );
        ctx.out(`Parity measured by running the written files under onnxruntime-node on ${exported.samples} validation samples of the run's own split.`);
      } catch (error) {
        ctx.err(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
        code = exitCodeFor(error);
      }
    }
    ctx.out(`\nSweep ${result.sweepId} took ${duration((performance.now() - started) / 1000)}. Runs are in ${ctx.db}.`);
    ctx.out("Compare them in the dashboard:  npx aelab dashboard   (serves http://127.0.0.1:3000)");
    return code;
  } finally {
    reporter.stop();
    await tracker.close();
  }
}

function summaryTable(result: SweepOutcome, metric: string): string {
  const rows = [...result.outcomes]
    .sort((a, b) => a.architecture.localeCompare(b.architecture) || a.hiddenSize - b.hiddenSize)
    .map((o) => {
      const v = metricOf(o, metric);
      // Below 1.00× means the autoencoder beats the best linear code of the same size.
      const vsPca = v !== undefined && o.status === "finished" && Number.isFinite(o.pcaValMse) && o.pcaValMse > 0 ? `${(v / o.pcaValMse).toFixed(2)}×` : "–";
      return [
        o.architecture,
        o.hiddenSize,
        o.status,
        o.backend ?? "–",
        o.best?.epoch ?? "–",
        fmt(o.best?.valMse),
        fmt(o.best?.valBce),
        fmt(o.pcaValMse),
        vsPca,
        o.best ? Math.round(o.history.reduce((s, h) => s + h.samplesPerSecond, 0) / o.history.length) : "–",
        o.runId,
      ];
    });
  return table(["architecture", "hidden", "status", "backend", "best epoch", "val MSE", "val BCE", "PCA val MSE", "÷ PCA", "samples/s", "run"], rows, [
    "l",
    "r",
    "l",
    "l",
    "r",
    "r",
    "r",
    "r",
    "r",
    "r",
    "l",
  ]);
}
