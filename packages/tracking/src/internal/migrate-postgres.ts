/**
 * Why this file exists: `aelab db migrate` must work on PostgreSQL without the
 * Prisma CLI (whose wasm schema engine also lingers ~10 s per call, see
 * stack.md pitfall 8). This applies the embedded migrations with `pg` and
 * records them in `_prisma_migrations` as `prisma migrate deploy` does.
 *
 * It holds Prisma's own advisory lock (72707369) for the whole run, so it
 * serialises with other aelab processes and with `prisma migrate` itself, and
 * runs each migration in a transaction (PostgreSQL DDL is transactional).
 */
import { AelabError, ErrorCode } from "@aelab/core";
import pg from "pg";
import { randomUUID } from "node:crypto";
import { postgresPoolConfig, redactUrl, type PostgresTarget } from "./database-url.ts";
import type { EmbeddedMigration } from "./migration-types.ts";
import { planMigrations, type AppliedMigrationRow, type MigrationReport } from "./migration-plan.ts";
import { causeText } from "./cause-text.ts";

const PRISMA_ADVISORY_LOCK = 72707369;

// Prisma's own DDL for the table (schema engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

async function readApplied(client: pg.ClientBase): Promise<AppliedMigrationRow[]> {
  const exists = await client.query<{ table: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS "table"`);
  if (exists.rows[0]?.table == null) return [];
  const result = await client.query<AppliedMigrationRow>(
    `SELECT migration_name AS "name", finished_at AS "finishedAt", rolled_back_at AS "rolledBackAt" FROM "_prisma_migrations"`,
  );
  return result.rows;
}

async function applyOne(client: pg.ClientBase, migration: EmbeddedMigration): Promise<void> {
  await client.query("BEGIN");
  try {
    const id = randomUUID();
    await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
      id,
      migration.checksum,
      migration.name,
    ]);
    await client.query(migration.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function connect(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client(postgresPoolConfig(target));
  try {
    await client.connect();
    return client;
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw new AelabError(
      ErrorCode.Tracking,
      `Expected to connect to the PostgreSQL tracking database (${causeText(cause)}). Received: url=${redactUrl(target.connectionString)}`,
      { cause },
    );
  }
}

/** Applies every pending migration to the PostgreSQL database (and `?schema=`, created if missing). */
export async function migratePostgres(target: PostgresTarget, migrations: readonly EmbeddedMigration[]): Promise<MigrationReport> {
  const client = await connect(target);
  const applied: string[] = [];
  let current: string | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      if (target.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
      await client.query(CREATE_MIGRATIONS_TABLE);
      const plan = planMigrations(migrations, await readApplied(client), "postgres");
      for (const migration of plan.pending) {
        current = migration.name;
        await applyOne(client, migration);
        applied.push(migration.name);
      }
      return { provider: "postgres", applied, unknown: plan.unknown };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    }
  } catch (cause) {
    if (cause instanceof AelabError) throw cause;
    throw new AelabError(
      ErrorCode.Tracking,
      `Expected ${current === undefined ? "to read the migration history of" : `migration ${current} to apply to`} the PostgreSQL tracking database; it was rolled back. Received: url=${redactUrl(target.connectionString)}`,
      { cause, details: { migration: current, applied } },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Names of migrations the database still lacks (read-only). */
export async function pendingPostgresMigrations(client: pg.ClientBase, migrations: readonly EmbeddedMigration[]): Promise<string[]> {
  return planMigrations(migrations, await readApplied(client), "postgres").pending.map((m) => m.name);
}
