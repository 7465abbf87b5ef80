/**
 * The databases the tracking bench measures: a fresh SQLite file in a temp
 * dir, and a fresh schema (`bench_<pid>_<n>`) on a PostgreSQL server,
 * migrated the way `aelab db migrate` does it. Each is removed afterwards.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createTracker, migrateDatabase, openTrackingQueries, type Tracker, type TrackingQueries } from "@aelab/tracking";

export const TRACKING_STORES = ["sqlite", "postgres"] as const;
export type TrackingStore = (typeof TRACKING_STORES)[number];

export interface OpenBenchStore {
  name: TrackingStore;
  /** The URL, with no credentials (trust auth here; redact if that changes). */
  url: string;
  tracker: Tracker;
  queries: TrackingQueries;
  /** Closes both handles and removes the file or drops the schema. */
  dispose(): Promise<void>;
}

let schemas = 0;

async function dropSchema(baseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function openHandles(url: string): Promise<{ tracker: Tracker; queries: TrackingQueries }> {
  const tracker = await createTracker({ url });
  try {
    return { tracker, queries: await openTrackingQueries({ url }) };
  } catch (error) {
    await tracker.close();
    throw error;
  }
}

async function openSqlite(): Promise<OpenBenchStore> {
  const dir = mkdtempSync(join(tmpdir(), "aelab-bench-tracking-"));
  const url = `file:${join(dir, "bench.db")}`;
  // createTracker migrates a new SQLite file on first use.
  const handles = await openHandles(url);
  return {
    name: "sqlite",
    url,
    ...handles,
    dispose: async () => {
      await handles.queries.close();
      await handles.tracker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(baseUrl: string): Promise<OpenBenchStore> {
  const schema = `bench_${process.pid}_${++schemas}`;
  const url = `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}schema=${schema}`;
  try {
    await migrateDatabase(url);
    const handles = await openHandles(url);
    return {
      name: "postgres",
      url,
      ...handles,
      dispose: async () => {
        await handles.queries.close();
        await handles.tracker.close();
        await dropSchema(baseUrl, schema);
      },
    };
  } catch (error) {
    await dropSchema(baseUrl, schema).catch(() => undefined);
    throw error;
  }
}

export function openBenchStore(name: TrackingStore, pgUrl: string): Promise<OpenBenchStore> {
  return name === "sqlite" ? openSqlite() : openPostgres(pgUrl);
}
