/**
 * Why this file exists: a new SQLite tracking file must work on first use, with
 * no Prisma CLI at run time. This applies the embedded migrations with
 * better-sqlite3 and records them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does (same table, checksum and timestamp format), so
 * `prisma migrate status` / `deploy` agree afterwards.
 *
 * Each migration runs in its own `BEGIN IMMEDIATE` transaction, which takes the
 * write lock up front: two processes opening the same new file serialise, and the
 * second one sees the first one's work and skips it.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { EmbeddedMigration } from "./migration-types.ts";
import { planMigrations, type AppliedMigrationRow, type MigrationReport } from "./migration-plan.ts";
import { causeText } from "./cause-text.ts";

/** How long a connection waits for another writer before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 15_000;

// Prisma's own DDL for the table (schema engine, sqlite flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;

/** Prisma's SQLite timestamp text: ISO 8601 with an explicit +00:00 offset. */
function timestamp(): string {
  return new Date().toISOString().replace("Z", "+00:00");
}

function readApplied(db: Database.Database): AppliedMigrationRow[] {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
  if (table === undefined) return [];
  return db
    .prepare(`SELECT migration_name AS name, finished_at AS finishedAt, rolled_back_at AS rolledBackAt FROM "_prisma_migrations"`)
    .all() as AppliedMigrationRow[];
}

/** Opens a connection with the settings every tracking connection uses. */
export function openSqlite(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  // Switching a new file to WAL takes an exclusive lock, and SQLite may answer SQLITE_BUSY at once there, without its busy
  // handler (seen when 4 processes open one new file together): retry until the busy timeout, then fail as before.
  if (String(db.pragma("journal_mode", { simple: true })).toLowerCase() !== "wal") retryBusy(() => db.pragma("journal_mode = WAL"));
  db.pragma("foreign_keys = ON");
  return db;
}

function retryBusy<T>(fn: () => T): T {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 40);
    }
  }
}

function applyOne(db: Database.Database, migration: EmbeddedMigration): boolean {
  const apply = db.transaction(() => {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const plan = planMigrations([migration], readApplied(db), "sqlite");
    if (plan.pending.length === 0) return false;
    const id = randomUUID();
    db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)`).run(
      id,
      migration.checksum,
      migration.name,
      timestamp(),
    );
    db.exec(migration.sql);
    db.prepare(`UPDATE "_prisma_migrations" SET finished_at = ?, applied_steps_count = 1 WHERE id = ?`).run(timestamp(), id);
    return true;
  });
  return apply.immediate();
}

/** Applies every pending migration to the SQLite file at `path` (created if missing). */
export function migrateSqliteFile(path: string, migrations: readonly EmbeddedMigration[]): MigrationReport {
  let db: Database.Database;
  try {
    db = openSqlite(path);
  } catch (cause) {
    throw new AelabError(ErrorCode.Tracking, `Expected to open the SQLite tracking database (${causeText(cause)}). Received: path=${JSON.stringify(path)}`, {
      cause,
    });
  }
  try {
    const before = planMigrations(migrations, readApplied(db), "sqlite");
    const applied: string[] = [];
    for (const migration of before.pending) {
      try {
        if (applyOne(db, migration)) applied.push(migration.name);
      } catch (cause) {
        throw new AelabError(
          ErrorCode.Tracking,
          `Expected migration ${migration.name} to apply to the SQLite tracking database; it was rolled back. Received: path=${JSON.stringify(path)}`,
          { cause, details: { migration: migration.name, applied } },
        );
      }
    }
    return { provider: "sqlite", applied, unknown: before.unknown };
  } finally {
    db.close();
  }
}

/** Names of migrations the SQLite file still lacks (read-only). */
export function pendingSqliteMigrations(path: string, migrations: readonly EmbeddedMigration[]): string[] {
  const db = new Database(path, {
    readonly: true,
    fileMustExist: true,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
  });
  try {
    return planMigrations(migrations, readApplied(db), "sqlite").pending.map((m) => m.name);
  } finally {
    db.close();
  }
}
