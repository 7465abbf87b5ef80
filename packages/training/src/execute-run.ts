/**
 * One tracked run: record it, resolve a backend that can train the model,
 * train, log every epoch, save the best weights, and end it as finished or
 * failed. Nothing is lost: any error after the run is recorded ends it failed.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { AelabError, ErrorCode, inferShapes, isAelabError, initializeWeights, serializeWeights, type BackendRegistry, type NeutralWeights } from "@aelab/core";
import type { ParamValue, Tracker } from "@aelab/tracking";
import type { Baselines } from "./baselines.ts";
import type { PreparedData } from "./datasets.ts";
import { recordEvaluationArtifact } from "./evaluation-artifact.ts";
import { finalEvaluation } from "./final-evaluation.ts";
import type { Reporter } from "./reporter.ts";
import type { RunConfig } from "./run-config.ts";
import { trainLoop, type EpochDecision, type EpochReport } from "./train-loop.ts";

/** A run's heartbeat period; runs silent for `STALE_RUN_MS` are reaped as crashed. */
export const HEARTBEAT_MS = 30_000;
export const STALE_RUN_MS = 5 * 60_000;

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `The artifacts folder must be a writable directory. Received: ${dir} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      { cause },
    );
  }
}

export interface ExecuteRunOptions {
  config: RunConfig;
  data: PreparedData;
  baselines: Baselines;
  registry: BackendRegistry;
  tracker: Tracker;
  /** Weights are written to `<artifactsDir>/<runId>/weights.aelw`. */
  artifactsDir: string;
  sweepId?: string;
  extraParams?: Record<string, ParamValue>;
  reporter?: Reporter;
  signal?: AbortSignal;
  position?: { index: number; total: number };
  /** The sweep trial this run attempts (needs `sweepId`); recorded on the run. */
  trialIndex?: number;
  /** Called once the run is recorded, before training (a sweep links its trial to the run here). */
  onRunStarted?: (runId: string) => Promise<void>;
  /** Called after each logged epoch; a reason stops training and ends the run `pruned`. */
  pruneCheck?: (report: EpochReport, runId: string) => Promise<string | undefined>;
  /** Heartbeat period; default `HEARTBEAT_MS`. */
  heartbeatMs?: number;
}

export interface RunOutcome {
  runId: string;
  name: string;
  status: "finished" | "failed" | "pruned";
  /** Failed because the signal aborted it (a sweep marks the trial interrupted, to be retried). */
  interrupted?: boolean;
  /** Pruned: the last epoch trained. */
  prunedEpoch?: number;
  /** Its trial already had a finished run (this one, its duplicate, was ended failed). */
  trialFinishedBy?: string;
  backend: string | null;
  architecture: string;
  hiddenSize: number;
  best: EpochReport | undefined;
  history: EpochReport[];
  pcaValMse: number;
  meanImageValMse: number;
  weights?: NeutralWeights;
  weightsPath?: string;
  /** Figures of the saved weights after training: test_mse, val_probe_accuracy, … (see `finalEvaluation`). */
  final?: Record<string, number>;
  error?: string;
}

export function runParams(config: RunConfig): Record<string, ParamValue> {
  const { training, spec } = config;
  return {
    architecture: spec.architecture,
    hiddenSize: inferShapes(spec).codeSize,
    loss: spec.loss,
    epochs: training.epochs,
    batchSize: training.batchSize,
    optimizer: training.optimizer.name,
    learningRate: training.optimizer.learningRate,
    seed: training.seed,
    backendRequested: training.backend,
    dataSource: config.data.source,
    dataLimit: config.data.limit ?? 0,
  };
}

export async function executeRun(options: ExecuteRunOptions): Promise<RunOutcome> {
  const { config, tracker, reporter } = options;
  const shapes = inferShapes(config.spec);
  const hiddenSize = shapes.codeSize;
  // Refuse what cannot work before anything is recorded: no usable backend, no writable artifacts folder.
  const backend = await options.registry.resolve(config.training.backend, { purpose: "train", spec: config.spec });
  ensureWritableDir(options.artifactsDir);
  const run = await tracker.startRun({
    experimentName: config.experiment,
    name: config.name,
    sweepId: options.sweepId,
    architecture: config.spec.architecture,
    hiddenSize,
    spec: config.spec,
    seed: config.training.seed,
    split: options.data.description,
    params: { ...runParams(config), ...options.extraParams },
    tags: { host: hostname() },
    ...(options.trialIndex === undefined ? {} : { trialIndex: options.trialIndex }),
  });
  const outcome: RunOutcome = {
    runId: run.id,
    name: config.name,
    status: "failed",
    backend: null,
    architecture: config.spec.architecture,
    hiddenSize,
    best: undefined,
    history: [],
    pcaValMse: Number.NaN,
    meanImageValMse: Number.NaN,
  };
  // Heartbeats keep the run from being reaped as crashed during long epochs; the loop yields, so timers fire.
  const heartbeat = setInterval(() => void tracker.heartbeat(run.id).catch(() => undefined), options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();
  try {
    await options.onRunStarted?.(run.id);
    const info = backend.info();
    outcome.backend = info.name;
    await tracker.setBackend(run.id, info.name);
    await tracker.setTags(run.id, { backendDetail: info.detail, ...(info.threads === undefined ? {} : { backendThreads: String(info.threads) }) });
    reporter?.runStart?.({
      runId: run.id,
      name: config.name,
      backend: info.detail,
      index: options.position?.index ?? 1,
      total: options.position?.total ?? 1,
      epochs: config.training.epochs,
    });

    outcome.meanImageValMse = options.baselines.meanImage();
    outcome.pcaValMse = options.baselines.pcaMse(hiddenSize);
    await tracker.logMetrics(run.id, [
      { key: "pca_val_mse", value: outcome.pcaValMse, step: 0 },
      { key: "mean_image_val_mse", value: outcome.meanImageValMse, step: 0 },
    ]);

    const trainer = await backend.createTrainer!({
      spec: config.spec,
      weights: initializeWeights(config.spec, config.training.seed),
      optimizer: config.training.optimizer,
      seed: config.training.seed,
    });
    try {
      const result = await trainLoop({
        trainer,
        training: config.training,
        train: options.data.split.train,
        validation: options.data.split.validation,
        signal: options.signal,
        onBatch: (p) => reporter?.batch?.(p),
        onEpoch: async (r) => {
          reporter?.epoch?.({ ...r, runId: run.id });
          await tracker.logMetrics(run.id, [
            { key: "train_loss", value: r.trainLoss, step: r.epoch, epoch: r.epoch },
            { key: "val_loss", value: r.valLoss, step: r.epoch, epoch: r.epoch },
            { key: "val_mse", value: r.valMse, step: r.epoch, epoch: r.epoch },
            { key: "val_bce", value: r.valBce, step: r.epoch, epoch: r.epoch },
            { key: "samples_per_second", value: r.samplesPerSecond, step: r.epoch, epoch: r.epoch },
            { key: "learning_rate", value: r.learningRate, step: r.epoch, epoch: r.epoch },
            ...(r.valKl === undefined ? [] : [{ key: "val_kl", value: r.valKl, step: r.epoch, epoch: r.epoch }]),
          ]);
          await tracker.heartbeat(run.id);
          const reason = await options.pruneCheck?.(r, run.id);
          return reason === undefined ? undefined : ({ stop: reason } satisfies EpochDecision);
        },
      });
      outcome.history = result.history;
      outcome.best = result.best;
      outcome.weights = result.weights;
      // A run that diverged before its first finished epoch has no weights worth keeping.
      if (result.weights.tensors.every((t) => t.data.every(Number.isFinite))) {
        outcome.weightsPath = await saveWeights(options, run.id, result.weights);
      }
      if (result.best) {
        // The saved (and exported) weights are those of the best epoch: record its figures as the run's result.
        const b = result.best;
        await tracker.logMetrics(run.id, [
          { key: "best_epoch", value: b.epoch, step: 0 },
          { key: "best_val_loss", value: b.valLoss, step: 0 },
          { key: "best_val_mse", value: b.valMse, step: 0 },
          { key: "best_val_bce", value: b.valBce, step: 0 },
        ]);
      }
      if (result.status === "finished" && result.best) {
        // Test error and probe accuracy of the saved weights, on the backend that trained them.
        const final = await finalEvaluation({
          backend,
          spec: config.spec,
          weights: result.weights,
          data: options.data,
          baselines: options.baselines,
          codeSize: hiddenSize,
        });
        await tracker.logMetrics(
          run.id,
          final.map((m) => ({ ...m, step: 0 })),
        );
        outcome.final = Object.fromEntries(final.map((m) => [m.key, m.value]));
        // Reconstructions, per-sample errors and codes for the dashboard (see evaluation-artifact.ts).
        await recordEvaluationArtifact({
          backend,
          spec: config.spec,
          weights: result.weights,
          data: options.data,
          tracker,
          runId: run.id,
          artifactsDir: options.artifactsDir,
        });
      }
      if (result.status === "pruned") {
        outcome.status = "pruned";
        outcome.prunedEpoch = result.pruned?.epoch;
        outcome.error = result.pruned?.reason;
        await tracker.setTags(run.id, { prunedEpoch: String(result.pruned?.epoch ?? 0) });
        await tracker.endRun(run.id, { status: "pruned", error: `pruned at epoch ${result.pruned?.epoch}: ${result.pruned?.reason}` });
      } else if (result.status !== "finished") {
        outcome.interrupted = result.status === "aborted";
        outcome.error = result.failure?.reason ?? result.status;
        // Where it stopped, as fields a query can use (the message says it in words).
        if (result.failure) await tracker.setTags(run.id, { failedEpoch: String(result.failure.epoch), failedStep: String(result.failure.step) });
        await tracker.endRun(run.id, { status: "failed", error: outcome.error });
      } else {
        outcome.status = "finished";
        if (result.stoppedEarly) await tracker.setTags(run.id, { stoppedEarly: `epoch ${result.history.length}` });
        await tracker.endRun(run.id, { status: "finished" });
      }
    } finally {
      await trainer.dispose();
    }
  } catch (error) {
    outcome.status = "failed";
    outcome.error = error instanceof Error ? error.message : String(error);
    if (isAelabError(error) && error.details?.conflict === "trial-finished") outcome.trialFinishedBy = String(error.details.finishedRunId);
    await tracker.endRun(run.id, { status: "failed", error: outcome.error });
  } finally {
    clearInterval(heartbeat);
  }
  reporter?.runEnd?.({
    runId: run.id,
    name: config.name,
    status: outcome.status,
    bestValMse: outcome.best?.valMse ?? null,
    error: outcome.error,
    ...(outcome.interrupted ? { interrupted: true } : {}),
  });
  return outcome;
}

async function saveWeights(options: ExecuteRunOptions, runId: string, weights: NeutralWeights): Promise<string> {
  const dir = resolve(options.artifactsDir, runId);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "weights.aelw");
  const bytes = serializeWeights(weights);
  writeFileSync(path, bytes);
  await options.tracker.logArtifact(runId, {
    kind: "weights",
    path,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });
  return path;
}
