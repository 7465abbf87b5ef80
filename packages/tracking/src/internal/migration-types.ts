/** One committed migration, as embedded by scripts/embed-migrations.ts. */
export interface EmbeddedMigration {
  /** Folder name, e.g. `20261203173211_init`; also `_prisma_migrations.migration_name`. */
  name: string;
  /** SHA-256 (hex) of migration.sql's bytes, as Prisma records it. */
  checksum: string;
  sql: string;
}

export interface EmbeddedMigrations {
  sqlite: EmbeddedMigration[];
  postgres: EmbeddedMigration[];
}
