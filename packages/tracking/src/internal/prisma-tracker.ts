/**
 * The Prisma implementation of `Tracker`: a thin class over the feature
 * modules (experiment-store, run-store, metric-store, artifact-store,
 * run-query), which each take the Prisma client. The same code runs on SQLite
 * and PostgreSQL.
 */
import type {
  ArtifactInput,
  ArtifactRecord,
  CompareRow,
  ExperimentRecord,
  ListRunsQuery,
  LogBatchInput,
  MetricInput,
  MetricPoint,
  ParamValue,
  RunRecord,
  RunStatus,
  StartRunInput,
  SweepMetricPoint,
  SweepRecord,
  Tracker,
  TrialRecord,
  TrialStatus,
} from "../tracker.ts";
import { logArtifact, listArtifacts } from "./artifact-store.ts";
import type { DatabaseProvider } from "./database-url.ts";
import * as experiments from "./experiment-store.ts";
import { getMetrics, logBatch } from "./metric-store.ts";
import type { Db } from "./prisma-client.ts";
import { compare, listRuns } from "./run-query.ts";
import * as runs from "./run-store.ts";
import * as trials from "./trial-store.ts";

export class PrismaTracker implements Tracker {
  readonly #db: Db;
  readonly provider: DatabaseProvider;
  #closed: Promise<void> | undefined;

  constructor(db: Db, provider: DatabaseProvider) {
    this.#db = db;
    this.provider = provider;
  }

  getOrCreateExperiment(name: string): Promise<ExperimentRecord> {
    return experiments.getOrCreateExperiment(this.#db, name);
  }
  createSweep(input: { experimentName: string; name: string; config: unknown; method?: string; samplerState?: unknown }): Promise<SweepRecord> {
    return experiments.createSweep(this.#db, input);
  }
  getSweep(id: string): Promise<SweepRecord | null> {
    return experiments.getSweep(this.#db, id);
  }
  addTrials(sweepId: string, list: { index: number; params: Record<string, ParamValue> }[], samplerState?: unknown): Promise<TrialRecord[]> {
    return trials.addTrials(this.#db, sweepId, list, samplerState);
  }
  listTrials(sweepId: string): Promise<TrialRecord[]> {
    return trials.listTrials(this.#db, sweepId);
  }
  claimTrial(sweepId: string, index: number, options: { maxAttempts: number }): Promise<TrialRecord | null> {
    return trials.claimTrial(this.#db, sweepId, index, options);
  }
  updateTrial(sweepId: string, index: number, update: { status: TrialStatus; runId?: string }): Promise<void> {
    return trials.updateTrial(this.#db, sweepId, index, update);
  }
  getSweepMetric(sweepId: string, key: string): Promise<SweepMetricPoint[]> {
    return trials.getSweepMetric(this.#db, sweepId, key);
  }
  endSweep(id: string, status: SweepRecord["status"]): Promise<void> {
    return experiments.endSweep(this.#db, id, status);
  }
  listExperiments(): Promise<ExperimentRecord[]> {
    return experiments.listExperiments(this.#db);
  }
  listSweeps(experimentName?: string): Promise<SweepRecord[]> {
    return experiments.listSweeps(this.#db, experimentName);
  }

  startRun(input: StartRunInput): Promise<RunRecord> {
    return runs.startRun(this.#db, input);
  }
  markRunning(runId: string): Promise<void> {
    return runs.markRunning(this.#db, runId);
  }
  setBackend(runId: string, backend: string): Promise<void> {
    return runs.setBackend(this.#db, runId, backend);
  }
  heartbeat(runId: string): Promise<void> {
    return runs.heartbeat(this.#db, runId);
  }
  endRun(
    runId: string,
    result: {
      status: Exclude<RunStatus, "queued" | "running">;
      error?: string;
    },
  ): Promise<void> {
    return runs.endRun(this.#db, runId, result);
  }
  getRun(id: string): Promise<RunRecord | null> {
    return runs.getRun(this.#db, id);
  }
  reapStaleRuns(staleAfterMs: number): Promise<number> {
    return runs.reapStaleRuns(this.#db, staleAfterMs);
  }

  logBatch(runId: string, batch: LogBatchInput): Promise<void> {
    return logBatch(this.#db, runId, batch);
  }
  logMetrics(runId: string, metrics: MetricInput[]): Promise<void> {
    return logBatch(this.#db, runId, { metrics });
  }
  logParams(runId: string, params: Record<string, ParamValue>): Promise<void> {
    return logBatch(this.#db, runId, { params });
  }
  setTags(runId: string, tags: Record<string, string>): Promise<void> {
    return logBatch(this.#db, runId, { tags });
  }
  getMetrics(runId: string, keys?: string[]): Promise<MetricPoint[]> {
    return getMetrics(this.#db, runId, keys);
  }

  logArtifact(runId: string, artifact: ArtifactInput): Promise<ArtifactRecord> {
    return logArtifact(this.#db, runId, artifact);
  }
  listArtifacts(runId: string): Promise<ArtifactRecord[]> {
    return listArtifacts(this.#db, runId);
  }

  listRuns(query?: ListRunsQuery): Promise<{ runs: RunRecord[]; total: number }> {
    return listRuns(this.#db, query);
  }
  compare(query: { experimentName?: string; sweepId?: string; metric: string; pcaMetric?: string }): Promise<CompareRow[]> {
    return compare(this.#db, query);
  }

  /** Closes the connection (pool); later calls are no-ops. */
  close(): Promise<void> {
    this.#closed ??= this.#db.$disconnect();
    return this.#closed;
  }
}
