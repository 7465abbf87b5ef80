/**
 * Which committed migrations a database still needs, from its
 * `_prisma_migrations` rows. Shared by the SQLite and PostgreSQL runners.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import type { DatabaseProvider } from "./database-url.ts";
import type { EmbeddedMigration } from "./migration-types.ts";

export interface AppliedMigrationRow {
  name: string;
  finishedAt: unknown;
  rolledBackAt: unknown;
}

export interface MigrationReport {
  provider: DatabaseProvider;
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations recorded in the database but unknown to this version of aelab (a newer one ran). */
  unknown: string[];
}

export interface MigrationPlan {
  pending: EmbeddedMigration[];
  unknown: string[];
}

const isSet = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * Throws TRACKING when a migration is recorded as started but neither finished
 * nor rolled back (Prisma's P3009 state): it needs a human.
 */
export function planMigrations(migrations: readonly EmbeddedMigration[], rows: readonly AppliedMigrationRow[], provider: DatabaseProvider): MigrationPlan {
  const failed = rows.filter((row) => !isSet(row.finishedAt) && !isSet(row.rolledBackAt)).map((row) => row.name);
  if (failed.length > 0) {
    throw new AelabError(
      ErrorCode.Tracking,
      `Expected no failed migrations in the ${provider} tracking database; resolve them with \`prisma migrate resolve\` first. Received: failed=${JSON.stringify(failed)}`,
    );
  }
  const done = new Set(rows.filter((row) => isSet(row.finishedAt) && !isSet(row.rolledBackAt)).map((row) => row.name));
  const known = new Set(migrations.map((m) => m.name));
  return {
    pending: migrations.filter((m) => !done.has(m.name)),
    unknown: [...done].filter((name) => !known.has(name)).sort(),
  };
}
