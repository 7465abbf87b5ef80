/**
 * The tracking store contract. Built around one batch primitive (`logBatch`),
 * with `logMetrics` / `logParams` / `setTags` as helpers on top, as MLflow does.
 * No Prisma type appears here: implementations map rows to these domain objects.
 */

export const RUN_STATUSES = ["queued", "running", "finished", "failed", "pruned", "crashed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type ParamValue = string | number | boolean;

export interface MetricInput {
  key: string;
  /** May be NaN or ±Infinity: stored so they can be told apart. */
  value: number;
  step: number;
  epoch?: number;
  /** Defaults to now. */
  wallTime?: Date;
}

export interface MetricPoint {
  key: string;
  step: number;
  epoch: number | null;
  value: number;
  wallTime: Date;
}

export interface MetricSummary {
  latest: number;
  min: number;
  max: number;
  /** Step of the latest value. */
  step: number;
}

export interface ArtifactInput {
  /** e.g. `weights`, `onnx-encoder`, `onnx-decoder`, `onnx-full`, `reconstructions`. */
  kind: string;
  path: string;
  bytes: number;
  sha256: string;
}

export interface ArtifactRecord extends ArtifactInput {
  id: string;
  runId: string;
  createdAt: Date;
}

export interface ExperimentRecord {
  id: string;
  name: string;
  createdAt: Date;
}

export interface SweepRecord {
  id: string;
  experimentId: string;
  name: string;
  /** The sweep file as parsed (JSON). */
  config: unknown;
  status: "running" | "finished" | "failed";
  createdAt: Date;
}

export interface RunRecord {
  id: string;
  name: string;
  experimentId: string;
  experimentName: string;
  sweepId: string | null;
  status: RunStatus;
  /** Backend that actually ran, e.g. `tfjs-wasm`. */
  backend: string | null;
  architecture: string;
  hiddenSize: number | null;
  /** The AutoencoderSpec (JSON). */
  spec: unknown;
  seed: number | null;
  /** Split description: dataset, seed, sizes, validation indices. */
  split: unknown;
  host: string | null;
  startedAt: Date;
  endedAt: Date | null;
  heartbeatAt: Date | null;
  /** Failure reason (message) for failed / crashed runs. */
  error: string | null;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  /** Denormalised latest/min/max per metric key. */
  summary: Record<string, MetricSummary>;
}

export interface StartRunInput {
  experimentName: string;
  name: string;
  sweepId?: string;
  architecture: string;
  hiddenSize?: number;
  spec: unknown;
  seed?: number;
  split?: unknown;
  backend?: string;
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

export interface LogBatchInput {
  metrics?: MetricInput[];
  params?: Record<string, ParamValue>;
  tags?: Record<string, string>;
}

export interface ListRunsQuery {
  experimentName?: string;
  sweepId?: string;
  status?: RunStatus[];
  architecture?: string[];
  hiddenSize?: number[];
  /** Sort by a column or by a metric summary (`metric:val_mse`). */
  orderBy?: "startedAt" | "name" | "hiddenSize" | "architecture" | "status" | `metric:${string}`;
  direction?: "asc" | "desc";
  limit?: number;
  offset?: number;
}

/** One row of the architecture × hidden-size comparison. */
export interface CompareRow {
  runId: string;
  name: string;
  architecture: string;
  hiddenSize: number | null;
  status: RunStatus;
  /** min of the compared metric over the run (e.g. best val_mse). */
  best: number | null;
  /** PCA baseline at this run's hidden size on the same split, when logged. */
  pca: number | null;
}

export interface Tracker {
  getOrCreateExperiment(name: string): Promise<ExperimentRecord>;
  createSweep(input: { experimentName: string; name: string; config: unknown }): Promise<SweepRecord>;
  endSweep(id: string, status: SweepRecord["status"]): Promise<void>;
  startRun(input: StartRunInput): Promise<RunRecord>;
  /** The batch primitive: metrics (upserted on run, key, step), params and tags in one write. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  logMetrics(runId: string, metrics: MetricInput[]): Promise<void>;
  logParams(runId: string, params: Record<string, ParamValue>): Promise<void>;
  setTags(runId: string, tags: Record<string, string>): Promise<void>;
  logArtifact(runId: string, artifact: ArtifactInput): Promise<ArtifactRecord>;
  setBackend(runId: string, backend: string): Promise<void>;
  heartbeat(runId: string): Promise<void>;
  endRun(runId: string, result: { status: Exclude<RunStatus, "queued" | "running">; error?: string }): Promise<void>;

  listExperiments(): Promise<ExperimentRecord[]>;
  listSweeps(experimentName?: string): Promise<SweepRecord[]>;
  listRuns(query?: ListRunsQuery): Promise<{ runs: RunRecord[]; total: number }>;
  getRun(id: string): Promise<RunRecord | null>;
  getMetrics(runId: string, keys?: string[]): Promise<MetricPoint[]>;
  listArtifacts(runId: string): Promise<ArtifactRecord[]>;
  /** Best value of `metric` per run, with the PCA baseline metric beside it. */
  compare(query: { experimentName?: string; sweepId?: string; metric: string; pcaMetric?: string }): Promise<CompareRow[]>;
  close(): Promise<void>;
}
