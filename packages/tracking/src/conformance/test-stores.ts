/**
 * The tracking stores every conformance suite runs against: a real SQLite file
 * in a fresh temp dir, and a fresh schema in the real PostgreSQL server
 * (`AELAB_TEST_PG_URL`, default postgresql://postgres@127.0.0.1:5432/test).
 *
 * PostgreSQL unreachable: with CI=true the suites fail (a test asserts the
 * server is up); otherwise they are skipped, with the reason in their name.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createTracker, migrateDatabase } from "../create-tracker.ts";
import type { Tracker } from "../tracker.ts";

export const PG_URL = process.env.AELAB_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface OpenStore {
  tracker: Tracker;
  url: string;
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: "sqlite" | "postgres";
  /** Why this store cannot run here, if it cannot. */
  unavailable: string | undefined;
  open(): Promise<OpenStore>;
}

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: PG_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return `PostgreSQL unreachable at ${PG_URL}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function tempSqliteUrl(): { url: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "aelab-tracking-"));
  return { url: `file:${join(dir, "nested", "aelab.db")}`, dir };
}

async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, unmigrated schema; `drop()` removes it. */
export function freshPgSchema(): {
  url: string;
  schema: string;
  drop(): Promise<void>;
} {
  const schema = `aelab_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const url = `${PG_URL}${PG_URL.includes("?") ? "&" : "?"}schema=${schema}`;
  return {
    url,
    schema,
    drop: () => withPgClient(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))),
  };
}

const pgUnavailable = await probePostgres();

export const STORES: StoreKind[] = [
  {
    name: "sqlite",
    unavailable: undefined,
    async open() {
      const { url, dir } = tempSqliteUrl();
      const tracker = await createTracker({ url });
      return {
        tracker,
        url,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "postgres",
    unavailable: pgUnavailable,
    async open() {
      const { url, drop } = freshPgSchema();
      await migrateDatabase(url);
      const tracker = await createTracker({ url });
      return { tracker, url, cleanup: drop };
    },
  },
];

/** CI must not silently lose the PostgreSQL half of the suite. */
export const REQUIRE_ALL_STORES = process.env.CI === "true";

/**
 * The shared conformance harness: `describe.each` over every store, each with
 * its own fresh database, closed and removed afterwards.
 */
export function describeStores(title: string, body: (store: () => OpenStore, kind: StoreKind) => void): void {
  describe.each(STORES)(`${title} — $name`, (kind) => {
    if (kind.unavailable !== undefined && !REQUIRE_ALL_STORES) {
      it.skip(`skipped: ${kind.unavailable}`, () => undefined);
      return;
    }
    let open: OpenStore | undefined;
    beforeAll(async () => {
      if (kind.unavailable !== undefined) throw new Error(`CI=true: the ${kind.name} store must run. ${kind.unavailable}`);
      open = await kind.open();
    });
    afterAll(async () => {
      await open?.tracker.close();
      await open?.cleanup();
    });
    body(() => {
      if (open === undefined) throw new Error(`the ${kind.name} store did not open`);
      return open;
    }, kind);
  });
}

/** A small AutoencoderSpec-shaped value (the tracker stores it as opaque JSON). */
export function specFor(architecture: string, hiddenSize: number): unknown {
  return {
    architecture,
    inputShape: [28, 28, 1],
    hiddenSize,
    layers: [128, 64],
    activation: "relu",
    dropout: 0.1 + 0.2,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
