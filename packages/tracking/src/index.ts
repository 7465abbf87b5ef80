/**
 * @aelab/tracking — the experiment tracking store (experiments, sweeps, runs,
 * params, metrics, artifacts) on SQLite or PostgreSQL, through Prisma 6.
 */
export { createTracker, migrateDatabase, migrateDatabaseWithReport, markStaleRunsCrashed } from "./create-tracker.ts";
export type { CreateTrackerOptions, DatabaseProvider, MigrationReport } from "./create-tracker.ts";
export { DEFAULT_DATABASE_URL } from "./internal/database-url.ts";
export { DEFAULT_PCA_METRIC } from "./internal/run-query.ts";
export { RUN_STATUSES, TRIAL_STATUSES } from "./tracker.ts";
export { MetricWriter } from "./metric-writer.ts";
export type { MetricWriterOptions } from "./metric-writer.ts";
export type {
  ArtifactInput,
  ArtifactRecord,
  CompareRow,
  ExperimentRecord,
  ListRunsQuery,
  LogBatchInput,
  MetricInput,
  MetricPoint,
  MetricSummary,
  ParamValue,
  RunRecord,
  RunStatus,
  StartRunInput,
  SweepMetricPoint,
  SweepRecord,
  Tracker,
  TrialRecord,
  TrialStatus,
} from "./tracker.ts";
export { openTrackingQueries } from "./queries/tracking-queries.ts";
export type { TrackingQueries } from "./queries/tracking-queries.ts";
export { DEFAULT_MAX_POINTS } from "./queries/metric-window.ts";
export type { MetricWindow, MetricWindowQuery, WindowPoint } from "./queries/metric-window.ts";
export type { RunFacets, RunScope } from "./queries/run-facets.ts";
export { openBulkMetricLoader } from "./bulk/sqlite-bulk-metrics.ts";
export type { BulkMetricLoader } from "./bulk/sqlite-bulk-metrics.ts";
