/**
 * @aelab/training: the training loop that drives any trainable backend, tracked
 * runs, grid sweeps, the PCA baseline and the ONNX export parity gate.
 */
export { Baselines } from "./baselines.ts";
export { prepareData } from "./datasets.ts";
export type { PreparedData } from "./datasets.ts";
export { HEARTBEAT_MS, STALE_RUN_MS, executeRun, runParams } from "./execute-run.ts";
export type { ExecuteRunOptions, RunOutcome } from "./execute-run.ts";
export { EVALUATION_ARTIFACT_KIND, EVALUATION_FORMAT, buildEvaluationArtifact, recordEvaluationArtifact } from "./evaluation-artifact.ts";
export type { EvaluationArtifact } from "./evaluation-artifact.ts";
export { exportRun } from "./export-run.ts";
export type { ExportedFile, ExportPart, ExportRunOptions, ExportRunResult, OnnxFileRunner } from "./export-run.ts";
export { fitPca, pcaReconstructionMse } from "./pca.ts";
export { sweepBaselinesDir } from "./baselines-cache.ts";
export type { PcaModel } from "./pca.ts";
export type { Reporter, RunEndEvent, RunStartEvent, SweepProgressEvent } from "./reporter.ts";
export { MAX_PARAMETERS, MNIST_SHAPE, dataConfigSchema, parseRunConfig, readConfigFile, resolveModel } from "./run-config.ts";
export type { DataConfig, RunConfig } from "./run-config.ts";
export { inProcessExecutor, metricOf, runSweep } from "./run-sweep.ts";
export type { RunSweepOptions, SweepOutcome, TrialExecutor } from "./run-sweep.ts";
export { parseSweepConfig, sweepFileSchema } from "./sweep-config.ts";
export type { SweepConfig, SweepMethod } from "./sweep-config.ts";
export { createTrialWorker } from "./sweep/trial-worker.ts";
export type { TrialAttempt, TrialWorker, TrialWorkerOptions } from "./sweep/trial-worker.ts";
export { isClaimable, isTerminal, trialCounts } from "./sweep/sweep-results.ts";
export type { SweepRunResult } from "./sweep/sweep-results.ts";
export { evaluateSplit, trainLoop } from "./train-loop.ts";
export type { EpochDecision, EpochReport, TrainLoopOptions, TrainLoopResult, TrainProgress } from "./train-loop.ts";
