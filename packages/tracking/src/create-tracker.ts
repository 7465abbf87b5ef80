/**
 * Opening a tracker from a URL, and the two maintenance entry points the CLI
 * uses (`aelab db migrate`, stale-run reaping).
 */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import { MIGRATIONS } from "./generated/migrations.ts";
import { parseDatabaseUrl, redactUrl, resolveDatabaseUrl, type DatabaseProvider, type PostgresTarget } from "./internal/database-url.ts";
import { migratePostgres, pendingPostgresMigrations } from "./internal/migrate-postgres.ts";
import { migrateSqliteFile, pendingSqliteMigrations } from "./internal/migrate-sqlite.ts";
import type { MigrationReport } from "./internal/migration-plan.ts";
import { createPostgresPool, openPostgresClient, openSqliteClient } from "./internal/prisma-client.ts";
import { PrismaTracker } from "./internal/prisma-tracker.ts";
import type { Tracker } from "./tracker.ts";
import { causeText } from "./internal/cause-text.ts";

export type { DatabaseProvider, MigrationReport };

export interface CreateTrackerOptions {
  /**
   * `file:<path>` (SQLite) or `postgres://` / `postgresql://` (PostgreSQL; a
   * `?schema=` parameter selects the schema). Defaults to `AELAB_DB`, then
   * `file:./aelab.db`.
   */
  url?: string;
  /**
   * Apply pending migrations before opening. Defaults to `true` for SQLite (a
   * new file works on first use) and `false` for PostgreSQL, where a shared
   * database is migrated deliberately with `migrateDatabase` (`aelab db
   * migrate`); an unmigrated PostgreSQL database is then a TRACKING error.
   */
  migrate?: boolean;
}

function pendingError(provider: DatabaseProvider, url: string, pending: string[]): AelabError {
  return new AelabError(
    ErrorCode.Tracking,
    `Expected the ${provider} tracking database to be migrated; run \`aelab db migrate\` (migrateDatabase). Received: url=${redactUrl(url)}, pending=${describeValue(pending)}`,
    { details: { pending } },
  );
}

async function openPostgres(target: PostgresTarget, url: string, migrate: boolean): Promise<Tracker> {
  if (migrate) await migratePostgres(target, MIGRATIONS.postgres);
  const pool = createPostgresPool(target);
  try {
    const client = await pool.connect();
    try {
      const pending = await pendingPostgresMigrations(client, MIGRATIONS.postgres);
      if (pending.length > 0) throw pendingError("postgres", url, pending);
    } finally {
      client.release();
    }
  } catch (cause) {
    await pool.end().catch(() => undefined);
    if (cause instanceof AelabError) throw cause;
    throw new AelabError(ErrorCode.Tracking, `Expected to connect to the PostgreSQL tracking database (${causeText(cause)}). Received: url=${redactUrl(url)}`, {
      cause,
    });
  }
  return new PrismaTracker(await openPostgresClient(pool, target), "postgres");
}

/**
 * Opens the tracking store named by `url`.
 *
 * @example
 * ```ts
 * const tracker = await createTracker({ url: "file:./aelab.db" });
 * const run = await tracker.startRun({ experimentName: "mnist", name: "dense-32", architecture: "dense", hiddenSize: 32, spec });
 * await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.021, step: 1, epoch: 1 }]);
 * await tracker.endRun(run.id, { status: "finished" });
 * await tracker.close();
 * ```
 */
export async function createTracker(options: CreateTrackerOptions = {}): Promise<Tracker> {
  const url = resolveDatabaseUrl(options.url);
  const target = parseDatabaseUrl(url);
  if (target.provider === "postgres") return openPostgres(target, url, options.migrate ?? false);
  if (options.migrate ?? true) {
    migrateSqliteFile(target.path, MIGRATIONS.sqlite);
  } else {
    let pending: string[];
    try {
      pending = pendingSqliteMigrations(target.path, MIGRATIONS.sqlite);
    } catch (cause) {
      throw new AelabError(ErrorCode.Tracking, `Expected an existing SQLite tracking database. Received: url=${redactUrl(url)}`, { cause });
    }
    if (pending.length > 0) throw pendingError("sqlite", url, pending);
  }
  return new PrismaTracker(await openSqliteClient(target), "sqlite");
}

/**
 * Applies the committed migrations that the database lacks, recording them in
 * `_prisma_migrations` as `prisma migrate deploy` would, and returns the names
 * applied (empty when up to date). Safe to run concurrently and repeatedly.
 * Backs `aelab db migrate`; `url` defaults like createTracker's.
 *
 * @example
 * ```ts
 * const applied = await migrateDatabase("postgresql://aelab@db:5432/aelab");
 * ```
 */
export async function migrateDatabase(url?: string): Promise<string[]> {
  return (await migrateDatabaseWithReport(url)).applied;
}

/** migrateDatabase, also reporting migrations the database has but this version does not know. */
export async function migrateDatabaseWithReport(url?: string): Promise<MigrationReport> {
  const target = parseDatabaseUrl(resolveDatabaseUrl(url));
  return target.provider === "postgres" ? migratePostgres(target, MIGRATIONS.postgres) : migrateSqliteFile(target.path, MIGRATIONS.sqlite);
}

/**
 * Marks `running` runs that have sent no heartbeat for `staleAfterMs` as
 * `crashed`; returns how many. Takes an open tracker, or a URL (opened and
 * closed around the call).
 */
export async function markStaleRunsCrashed(trackerOrUrl: Tracker | string, options: { staleAfterMs: number }): Promise<number> {
  if (typeof trackerOrUrl !== "string") return trackerOrUrl.reapStaleRuns(options.staleAfterMs);
  const tracker = await createTracker({ url: trackerOrUrl });
  try {
    return await tracker.reapStaleRuns(options.staleAfterMs);
  } finally {
    await tracker.close();
  }
}
