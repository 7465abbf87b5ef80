/**
 * Why this file exists: Prisma 6.19's JS schema engine (`engine: "js"`) drives
 * migrations through the driver adapters, and the 6.19 adapters have bugs that
 * break the CLI. These wrappers are for the Prisma CLI only (prisma.config.ts);
 * the tracker never uses them.
 *
 * - pg, prisma/orm#27403: the schema engine cannot deserialise columns of type
 *   `name` (oid 19) or `"char"` (oid 18), which it reads from the catalogues, so
 *   every migrate command fails. Results are relabelled as `text` (25), arrays
 *   of them (1003, 1002) as `text[]` (1009).
 * - pg shadow database (`migrate dev`, `migrate diff --from-migrations`): the
 *   stock one is reused when the URL carries the database name, and dropping it
 *   fails while the pool is still open. It is rebuilt here: a fresh database per
 *   call, its pool closed before `DROP DATABASE … WITH (FORCE)`.
 * - sqlite shadow database: the engine sends whole multi-statement migrations
 *   through `executeRaw`, but better-sqlite3 prepares one statement at a time, so
 *   argument-less `executeRaw` calls are routed to `executeScript`.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { randomUUID } from "node:crypto";
import { parsePostgresUrl, postgresPoolConfig, sqliteFilePath } from "../src/internal/database-url.ts";

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

interface PgField {
  dataTypeID: number;
}

const PG_TYPE_RELABEL: Record<number, number> = {
  18: 25,
  19: 25,
  1002: 1009,
  1003: 1009,
};

/** Patches an object's (private) `performIO` so `name`/`"char"` columns read as text. */
function relabelPgTypes(queryable: object): void {
  const target = queryable as {
    performIO: (query: unknown) => Promise<{ fields?: PgField[] } | unknown>;
  };
  const original = target.performIO.bind(queryable);
  target.performIO = async (query: unknown) => {
    const result = await original(query);
    const fields = (result as { fields?: PgField[] } | undefined)?.fields;
    if (Array.isArray(fields)) {
      for (const field of fields) field.dataTypeID = PG_TYPE_RELABEL[field.dataTypeID] ?? field.dataTypeID;
    }
    return result;
  };
}

function patchPgAdapter(adapter: PgAdapter): PgAdapter {
  relabelPgTypes(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const transaction = await startTransaction(isolationLevel);
    relabelPgTypes(transaction);
    return transaction;
  };
  return adapter;
}

/** The pg adapter factory for the Prisma CLI, with the fixes above. */
export function migratePg(url: string): PrismaPg {
  const target = parsePostgresUrl(url);
  const { connectionString } = target;
  const factory = new PrismaPg({ ...postgresPoolConfig(target), allowExitOnIdle: true }, target.schema ? { schema: target.schema } : undefined);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => patchPgAdapter(await connect());
  factory.connectToShadowDb = async () => {
    const main = await factory.connect();
    const database = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const shadowUrl = new URL(connectionString);
    shadowUrl.pathname = `/${database}`;
    const shadowFactory = new PrismaPg({
      connectionString: shadowUrl.toString(),
      allowExitOnIdle: true,
    });
    const shadow = patchPgAdapter(await shadowFactory.connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await main.executeScript(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await main.dispose();
    };
    return shadow;
  };
  return factory;
}

function routeScriptsToExec(adapter: SqliteAdapter): SqliteAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length === 0) {
      await adapter.executeScript(query.sql);
      return 0;
    }
    return executeRaw(query);
  };
  return adapter;
}

/** The better-sqlite3 adapter factory for the Prisma CLI, with the fix above. */
export function migrateSqlite(url: string): PrismaBetterSQLite3 {
  const factory = new PrismaBetterSQLite3({
    url: `file:${sqliteFilePath(url)}`,
  });
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => routeScriptsToExec(await connectToShadowDb());
  return factory;
}
