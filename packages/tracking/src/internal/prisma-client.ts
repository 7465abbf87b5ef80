/**
 * Why this file exists: one Prisma schema cannot serve two providers, so there
 * are two generated clients (src/generated/{sqlite,postgres}). Their model APIs
 * are identical; this opens the right one with its driver adapter and returns it
 * typed as the SQLite client. The generated clients are imported lazily so a
 * process only loads the query compiler it needs.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/client/runtime/client";
import pg from "pg";
import type { PrismaClient } from "../generated/sqlite/client.ts";
import { postgresPoolConfig, type PostgresTarget, type SqliteTarget } from "./database-url.ts";
import { SQLITE_BUSY_TIMEOUT_MS } from "./migrate-sqlite.ts";

export type Db = PrismaClient;

// foreign_keys is per connection; WAL is persistent but cheap to re-assert.
const SQLITE_PRAGMAS = `PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS};`;

/** The better-sqlite3 factory, with our pragmas run on every connection it opens. */
function sqliteAdapter(target: SqliteTarget): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSQLite3({
    url: `file:${target.path}`,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
  });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(SQLITE_PRAGMAS);
      return adapter;
    },
  };
}

export async function openSqliteClient(target: SqliteTarget): Promise<Db> {
  const { PrismaClient } = await import("../generated/sqlite/client.ts");
  return new PrismaClient({ adapter: sqliteAdapter(target) });
}

/** Opens the PostgreSQL client on `pool` (which the client then owns and ends). */
export async function openPostgresClient(pool: pg.Pool, target: PostgresTarget): Promise<Db> {
  const { PrismaClient } = await import("../generated/postgres/client.ts");
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    ...(target.schema ? { schema: target.schema } : {}),
  });
  return new PrismaClient({ adapter }) as unknown as Db;
}

export function createPostgresPool(target: PostgresTarget): pg.Pool {
  return new pg.Pool({
    ...postgresPoolConfig(target),
    max: 5,
    idleTimeoutMillis: 10_000,
  });
}
