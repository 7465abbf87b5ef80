/**
 * Prisma CLI configuration (generate, migrate diff/deploy/status). The tracker
 * itself never runs the CLI: it applies the committed migrations on its own.
 *
 * The provider is `DB_PROVIDER` (sqlite | postgres); without it, it follows
 * `AELAB_DB` (postgres:// → postgres, else sqlite). The database is `AELAB_DB`.
 */
// Prisma 6.19 must never look for (or download) the native engines: `engine: "js"` runs
// the wasm schema engine through the driver adapter below. The dummy paths stop any lookup.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/nonexistent";

import { defineConfig } from "prisma/config";
import { migratePg, migrateSqlite } from "./prisma/adapter-fixes.ts";

const url = process.env.AELAB_DB || undefined;
const explicit = process.env.DB_PROVIDER || undefined;
const provider = (explicit ?? (/^postgres(ql)?:\/\//.test(url ?? "") ? "postgres" : "sqlite")) === "postgres" ? "postgres" : "sqlite";

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  adapter: async () =>
    provider === "postgres"
      ? migratePg(url ?? "postgresql://postgres@127.0.0.1:5432/postgres")
      : migrateSqlite(url?.startsWith("file:") ? url : "file:./aelab.db"),
});
