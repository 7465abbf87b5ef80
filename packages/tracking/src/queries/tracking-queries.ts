/**
 * Read-only queries for dashboards, beside the `Tracker` contract: downsampled
 * metric windows and filter facets, answered in SQL so they stay fast on
 * thousands of runs and millions of points. A separate handle (its own
 * connection or pool) over a database the tracker has already opened/migrated.
 *
 * @example
 * ```ts
 * const queries = await openTrackingQueries({ url: "file:./aelab.db" });
 * const [curve] = await queries.metricWindows({ runIds: [runId], keys: ["val_mse"], from: 100, to: 900 });
 * await queries.close();
 * ```
 */
import { parseDatabaseUrl, resolveDatabaseUrl } from "../internal/database-url.ts";
import { createPostgresPool, openPostgresClient, openSqliteClient, type Db } from "../internal/prisma-client.ts";
import { getMetricWindows, type MetricWindow, type MetricWindowQuery } from "./metric-window.ts";
import { getRunFacets, type RunFacets, type RunScope } from "./run-facets.ts";

export interface TrackingQueries {
  /** Downsampled (min/max buckets, first and last kept) metric series of runs inside a step window. */
  metricWindows(query: MetricWindowQuery): Promise<MetricWindow[]>;
  /** Distinct architectures and hidden sizes in scope, and the number of runs. */
  runFacets(scope?: RunScope): Promise<RunFacets>;
  close(): Promise<void>;
}

class PrismaTrackingQueries implements TrackingQueries {
  readonly #db: Db;
  #closed: Promise<void> | undefined;
  constructor(db: Db) {
    this.#db = db;
  }
  metricWindows(query: MetricWindowQuery): Promise<MetricWindow[]> {
    return getMetricWindows(this.#db, query);
  }
  runFacets(scope?: RunScope): Promise<RunFacets> {
    return getRunFacets(this.#db, scope);
  }
  close(): Promise<void> {
    this.#closed ??= this.#db.$disconnect();
    return this.#closed;
  }
}

/** Opens the query handle on `url` (defaults like createTracker's). It does not migrate: open a tracker first. */
export async function openTrackingQueries(options: { url?: string } = {}): Promise<TrackingQueries> {
  const target = parseDatabaseUrl(resolveDatabaseUrl(options.url));
  const db = target.provider === "postgres" ? await openPostgresClient(createPostgresPool(target), target) : await openSqliteClient(target);
  return new PrismaTrackingQueries(db);
}
