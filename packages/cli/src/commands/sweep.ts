/**
 * `aelab sweep <file>` and `aelab sweep --resume <id>`: runs a sweep's trials
 * in this process (parallelism 1), in local worker processes (parallelism or
 * --workers N on SQLite), or through pg-boss for `aelab worker` processes
 * (--db postgres://…); then prints the summary and exports the best encoder.
 */
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { AelabError, ErrorCode, specWarnings } from "@aelab/core";
import { createTracker, type Tracker } from "@aelab/tracking";
import {
  exportRun,
  parseSweepConfig,
  readConfigFile,
  runSweep,
  sweepBaselinesDir,
  type SweepConfig,
  type SweepOutcome,
  type TrialExecutor,
} from "@aelab/training";
import { dirname, resolve } from "node:path";
import { normaliseDb, requireExistingDb, type CliContext } from "../context.ts";
import { EXIT, exitCodeFor } from "../exit-codes.ts";
import { duration, fmt, table } from "../format.ts";
import { createProgressReporter, type ProgressReporter } from "../progress.ts";
import { createRegistry } from "../registry.ts";
import { runTiming } from "../run-timing.ts";
import { localExecutor } from "../sweep/local-executor.ts";
import { pgBossExecutor, startBoss } from "../sweep/pg-queue.ts";

export interface SweepFlags {
  backend?: string;
  export: boolean;
  out?: string;
  resume?: string;
  workers?: number;
  /** pg-boss: seconds before an active trial job is failed and retried. */
  jobTimeout?: number;
}

/** The database as the user would type it again: credentials hidden. */
const shownDb = (db: string) => db.replace(/\/\/[^@/]*@/, "//***@");

/** `--db …` to repeat in a printed command, or nothing when the database is the default one. */
const dbFlag = (db: string) => (db === normaliseDb(undefined) ? "" : ` --db ${shownDb(db)}`);

async function loadRecordedSweep(sweepId: string, tracker: Tracker, db: string) {
  const record = await tracker.getSweep(sweepId);
  if (!record) {
    throw new AelabError(ErrorCode.NotFound, `Expected a recorded sweep to resume in ${shownDb(db)} (pass the sweep's --db). Received: --resume ${sweepId}`);
  }
  return { record, sweep: parseSweepConfig(record.config, `sweep ${record.id}`) };
}

function overrideBackend(sweep: SweepConfig, backend: string): void {
  sweep.context.training.backend = backend;
  for (const t of sweep.trials) t.config.training.backend = backend;
}

export async function sweepCommand(file: string | undefined, flags: SweepFlags, ctx: CliContext): Promise<number> {
  const started = performance.now();
  const timing = runTiming();
  const postgres = /^postgres(ql)?:\/\//.test(ctx.db);
  // A bad file fails before the database is touched; a resumed sweep's file comes from the database.
  if (!file && !flags.resume) throw new AelabError(ErrorCode.InvalidInput, "aelab sweep needs a sweep file, or --resume <sweep id>. Received: neither");
  if (file && flags.resume)
    throw new AelabError(
      ErrorCode.InvalidInput,
      `aelab sweep takes a sweep file or --resume <sweep id>, not both. Received: ${file} and --resume ${flags.resume}`,
    );
  if (flags.jobTimeout !== undefined && flags.jobTimeout >= 86_400) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `--job-timeout must be under 86400 seconds (pg-boss expires jobs within 24 hours). Received: ${flags.jobTimeout}`,
    );
  }
  if (flags.resume) requireExistingDb(ctx.db);
  const fromFile = file ? parseSweepConfig(readConfigFile(file), file, { baseDir: dirname(resolve(file)) }) : undefined;
  const tracker = await createTracker({ url: ctx.db });
  const reporter = createProgressReporter();
  let boss: Awaited<ReturnType<typeof startBoss>> | undefined;
  try {
    const { record, sweep } = fromFile ? { record: undefined, sweep: fromFile } : await loadRecordedSweep(flags.resume!, tracker, ctx.db);
    if (flags.backend) overrideBackend(sweep, flags.backend);
    for (const warning of new Set(sweep.trials.flatMap((t) => specWarnings(t.config.spec).map((w) => `${t.config.spec.name}: ${w}`))))
      ctx.err(`warning: ${warning}`);
    const registry = createRegistry();
    await tracker.reapStaleRuns(timing.staleRunMs);
    const workers = flags.workers ?? sweep.parallelism;
    let executor: ((sweepId: string) => TrialExecutor) | undefined;
    if (postgres) {
      boss = await startBoss(ctx.db, (error) => ctx.err(`pg-boss: ${error.message}`));
      const b = boss;
      executor = (sweepId) => pgBossExecutor({ boss: b, sweepId, slots: workers, expireInSeconds: flags.jobTimeout ?? 6 * 3600 });
      reporter.info?.(`Trials go to pg-boss queue aelab-trials; start workers with: aelab worker --db <this database>`);
    } else if (workers > 1) {
      executor = (sweepId) =>
        localExecutor({
          sweepId,
          workers,
          db: ctx.db,
          artifactsDir: ctx.artifactsDir,
          tracker,
          reporterFor: (label) => reporter.forWorker(label),
          log: (line) => reporter.info?.(line),
        });
    }
    const result = await runSweep({
      sweep,
      registry,
      tracker,
      artifactsDir: ctx.artifactsDir,
      reporter,
      signal: ctx.signal,
      ...(record ? { resume: record } : {}),
      ...(executor ? { executor } : {}),
      staleRunMs: timing.staleRunMs,
      heartbeatMs: timing.heartbeatMs,
      baselinesDir: (sweepId) => sweepBaselinesDir(ctx.artifactsDir, sweepId),
    });
    reporter.stop();
    return await report(result, sweep, { flags, ctx, tracker, registry, reporter, started });
  } finally {
    reporter.stop();
    await boss?.stop({ graceful: false, wait: true });
    await tracker.close();
  }
}

interface ReportContext {
  flags: SweepFlags;
  ctx: CliContext;
  tracker: Tracker;
  registry: ReturnType<typeof createRegistry>;
  reporter: ProgressReporter;
  started: number;
}

async function report(result: SweepOutcome, sweep: SweepConfig, r: ReportContext): Promise<number> {
  const { ctx, flags } = r;
  ctx.out("");
  ctx.out(summaryTable(result));
  ctx.out("");
  ctx.out(
    table(
      ["finished", "pruned", "failed", "crashed", "skipped"],
      [[result.counts.finished, result.counts.pruned, result.counts.failed, result.counts.crashed, result.counts.skipped]],
      ["r", "r", "r", "r", "r"],
    ),
  );
  if (Number.isFinite(result.meanImageValMse)) ctx.out(`\nMean-image baseline (predict the average training digit): val MSE ${fmt(result.meanImageValMse)}`);
  const incomplete = result.counts.skipped > 0 || result.counts.running > 0;
  let code: number = result.counts.failed > 0 || result.counts.crashed > 0 ? EXIT.runFailed : EXIT.ok;
  if (incomplete) {
    ctx.err(`Sweep ${result.sweepId} stopped before every trial ran; continue it with: aelab${dbFlag(ctx.db)} sweep --resume ${result.sweepId}`);
    if (code === EXIT.ok) code = EXIT.failure;
  }
  if (sweep.exportBest && flags.export && result.best && !ctx.signal.aborted) {
    const best = result.best;
    ctx.out(`\nBest run: ${best.name} (${best.runId}), ${sweep.metric.name} ${fmt(best.value)}. Exporting to ONNX…`);
    try {
      const exported = await exportRun({
        tracker: r.tracker,
        registry: r.registry,
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
  ctx.out(`\nSweep ${result.sweepId} took ${duration((performance.now() - r.started) / 1000)}. Runs are in ${ctx.db.replace(/\/\/[^@/]*@/, "//***@")}.`);
  ctx.out("Compare them in the dashboard:  npx aelab dashboard   (serves http://127.0.0.1:3000)");
  return code;
}

function summaryTable(result: SweepOutcome): string {
  const rows = [...result.outcomes]
    .sort((a, b) => a.architecture.localeCompare(b.architecture) || a.hiddenSize - b.hiddenSize || (a.trialIndex ?? 0) - (b.trialIndex ?? 0))
    .map((o) => {
      // Below 1.00× means the autoencoder beats the best linear code of the same size.
      const vsPca =
        o.valMse !== undefined && o.status === "finished" && Number.isFinite(o.pcaValMse) && o.pcaValMse > 0 ? `${(o.valMse / o.pcaValMse).toFixed(2)}×` : "–";
      return [
        o.architecture,
        o.hiddenSize,
        o.status,
        o.backend ?? "–",
        o.bestEpoch ?? "–",
        fmt(o.valMse),
        fmt(o.valBce),
        fmt(o.pcaValMse),
        vsPca,
        o.samplesPerSecond === undefined ? "–" : Math.round(o.samplesPerSecond),
        o.trialIndex ?? "–",
        o.runId,
      ];
    });
  return table(["architecture", "hidden", "status", "backend", "best epoch", "val MSE", "val BCE", "PCA val MSE", "÷ PCA", "samples/s", "trial", "run"], rows, [
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
    "r",
    "l",
  ]);
}
