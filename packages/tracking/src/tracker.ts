/**
 * The tracking store contract. Built around one batch primitive (`logBatch`),
 * with `logMetrics` / `logParams` / `setTags` as helpers on top, as MLflow does.
 * No Prisma type appears here: implementations map rows to these domain objects.
 */

export const RUN_STATUSES = ["queued", "running", "finished", "failed", "pruned", "crashed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type ParamValue = string | number | boolean;

/**
 * Where a sweep trial stands. `interrupted` (the user stopped the sweep) and
 * `crashed` (its process died) are attempts to retry; the others are results,
 * except `pending` (drawn, not started) and `running`.
 */
export const TRIAL_STATUSES = ["pending", "running", "finished", "failed", "pruned", "crashed", "interrupted"] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

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

/**
 * Denormalised per (run, key), kept in step with every write.
 *
 * NaN rule: `latest` is the value at the highest step, NaN included (a diverged
 * run shows as NaN). `min` and `max` ignore NaN, so one NaN epoch does not
 * poison the best value; ±Infinity do count. They are NaN only when every
 * value is NaN.
 */
export interface MetricSummary {
  latest: number;
  min: number;
  max: number;
  /** Step of the latest value. */
  step: number;
  /** Number of points logged for this key (NaN included). */
  count: number;
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
  /** How trials are drawn: `grid`, `random` or `tpe` (`grid` for sweeps recorded before there were methods). */
  method: string;
  /** The sampler's state as last recorded with `addTrials` (JSON), or null. */
  samplerState: unknown;
  endedAt: Date | null;
}

/** One trial of a sweep: the parameters drawn for it, and its latest attempt. */
export interface TrialRecord {
  sweepId: string;
  /** 1-based, in the order trials were drawn. */
  index: number;
  /** The drawn parameters, by flat key (`architecture`, `training.optimizer.learningRate`, …). */
  params: Record<string, ParamValue>;
  status: TrialStatus;
  /** Runs started for this trial so far. */
  attempts: number;
  /** The latest attempt's run, once one started. */
  runId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One point of a metric, for every run of a sweep (what pruners compare). */
export interface SweepMetricPoint {
  runId: string;
  trialIndex: number | null;
  status: RunStatus;
  step: number;
  value: number;
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
  /** The sweep trial this run attempts, or null. */
  trialIndex: number | null;
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
  /** Defaults to the machine's hostname. */
  host?: string;
  /** `queued` for runs created ahead of time (see `markRunning`); defaults to `running`. */
  status?: "queued" | "running";
  /** The sweep trial this run attempts (needs `sweepId`). A trial may have many runs but only one `finished`. */
  trialIndex?: number;
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
  /**
   * Sort by a column or by a metric summary: `metric:val_mse` sorts by its min
   * (best, for loss-like metrics); `metric:val_mse:latest`, `…:min`, `…:max`
   * pick the summary field. Runs without the metric come last either way, and
   * runs whose summary is NaN just before them. Ties: newest first.
   */
  orderBy?: "startedAt" | "name" | "hiddenSize" | "architecture" | "status" | `metric:${string}`;
  direction?: "asc" | "desc";
  /** Page size, 1–1000; defaults to 50. */
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
  createSweep(input: { experimentName: string; name: string; config: unknown; method?: string; samplerState?: unknown }): Promise<SweepRecord>;
  endSweep(id: string, status: SweepRecord["status"]): Promise<void>;
  getSweep(id: string): Promise<SweepRecord | null>;
  /**
   * Records newly drawn trials as `pending` and, in the same transaction, the
   * sampler's state after drawing them, so a resumed sweep continues where the
   * recorded trials end. An index that already exists is a TRACKING error
   * (`details.conflict = "trial-exists"`).
   */
  addTrials(sweepId: string, trials: { index: number; params: Record<string, ParamValue> }[], samplerState?: unknown): Promise<TrialRecord[]>;
  /** A sweep's trials, by index. NOT_FOUND for an unknown sweep. */
  listTrials(sweepId: string): Promise<TrialRecord[]>;
  /**
   * Claims a trial for a new attempt, atomically: a `pending` or `interrupted`
   * trial, or a `crashed` one with fewer than `maxAttempts` attempts, becomes
   * `running` with one more attempt, and is returned. Anything else (running
   * elsewhere, done, out of retries) returns null and changes nothing.
   */
  claimTrial(sweepId: string, index: number, options: { maxAttempts: number }): Promise<TrialRecord | null>;
  /** Sets a trial's status, and the run of its latest attempt. */
  updateTrial(sweepId: string, index: number, update: { status: TrialStatus; runId?: string }): Promise<void>;
  /** Every point of metric `key` of every run of the sweep, by run then step. */
  getSweepMetric(sweepId: string, key: string): Promise<SweepMetricPoint[]>;
  startRun(input: StartRunInput): Promise<RunRecord>;
  /** Moves a `queued` run to `running` (start time and heartbeat = now). */
  markRunning(runId: string): Promise<void>;
  /** The batch primitive: metrics (upserted on run, key, step), params and tags in one write. */
  logBatch(runId: string, batch: LogBatchInput): Promise<void>;
  logMetrics(runId: string, metrics: MetricInput[]): Promise<void>;
  logParams(runId: string, params: Record<string, ParamValue>): Promise<void>;
  setTags(runId: string, tags: Record<string, string>): Promise<void>;
  logArtifact(runId: string, artifact: ArtifactInput): Promise<ArtifactRecord>;
  setBackend(runId: string, backend: string): Promise<void>;
  /** Records that the run is alive (`reapStaleRuns` looks at this). Logging a batch does too. */
  heartbeat(runId: string): Promise<void>;
  /**
   * Ends a run. Ending a trial's run `finished` when another run of the same
   * trial already finished is a TRACKING error (`details.conflict =
   * "trial-finished"`, `details.finishedRunId`), and leaves the run as it was.
   */
  endRun(
    runId: string,
    result: {
      status: Exclude<RunStatus, "queued" | "running">;
      error?: string;
    },
  ): Promise<void>;

  listExperiments(): Promise<ExperimentRecord[]>;
  listSweeps(experimentName?: string): Promise<SweepRecord[]>;
  listRuns(query?: ListRunsQuery): Promise<{ runs: RunRecord[]; total: number }>;
  getRun(id: string): Promise<RunRecord | null>;
  getMetrics(runId: string, keys?: string[]): Promise<MetricPoint[]>;
  listArtifacts(runId: string): Promise<ArtifactRecord[]>;
  /**
   * Best (min) value of `metric` per run, with the PCA baseline beside it: the
   * latest value of `pcaMetric` (default `pca_val_mse`), which the trainer logs
   * on each run for its hidden size and split. Ordered by architecture, hidden
   * size, then start time.
   */
  compare(query: { experimentName?: string; sweepId?: string; metric: string; pcaMetric?: string }): Promise<CompareRow[]>;
  /**
   * Marks `running` runs whose last heartbeat (or start, if none) is older than
   * `staleAfterMs` as `crashed`, with an explanatory error, and the trials
   * they were attempting `crashed` too. Returns how many runs.
   */
  reapStaleRuns(staleAfterMs: number): Promise<number>;
  close(): Promise<void>;
}
