/**
 * The committed migrations and how they are applied: the embedded copy matches
 * the files, the runner records them as Prisma does (`prisma migrate status`
 * agrees, on both databases), concurrent runs apply each migration once, and
 * unmigrated or half-migrated databases are refused with TRACKING errors.
 */
import { isAelabError } from "@aelab/core";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createTracker, migrateDatabase, migrateDatabaseWithReport } from "../create-tracker.ts";
import { MIGRATIONS } from "../generated/migrations.ts";
import { parsePostgresUrl, sqliteFilePath } from "../internal/database-url.ts";
import { migratePostgres } from "../internal/migrate-postgres.ts";
import { migrateSqliteFile } from "../internal/migrate-sqlite.ts";
import { freshPgSchema, PG_URL, REQUIRE_ALL_STORES, STORES, tempSqliteUrl } from "./test-stores.ts";

const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const pgUnavailable = STORES.find((s) => s.name === "postgres")?.unavailable;
const skipPg = pgUnavailable !== undefined && !REQUIRE_ALL_STORES;
/** `it` for PostgreSQL tests: skipped (reason in the title) when the server is unreachable outside CI. */
const pgIt = (title: string, fn: () => Promise<void>) => (skipPg ? it.skip(`${title} (skipped: ${pgUnavailable})`, fn) : it(title, fn));

/** Runs the real Prisma CLI (engine "js", our prisma.config.ts) against `url`. */
function prismaMigrateStatus(url: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, AELAB_DB: url };
  delete env.DB_PROVIDER;
  return new Promise((resolve) => {
    const options = { cwd: packageRoot, env, timeout: 90_000 };
    execFile(process.execPath, [prismaCli, "migrate", "status"], options, (error, stdout, stderr) =>
      resolve({
        code: error ? Number(error.code ?? 1) : 0,
        output: `${stdout}${stderr}`,
      }),
    );
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function sqliteFile(): { url: string; path: string } {
  const { url, dir } = tempSqliteUrl();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { url, path: sqliteFilePath(url) };
}

function pgSchema(): { url: string; schema: string } {
  if (pgUnavailable !== undefined) throw new Error(`CI=true: PostgreSQL must be reachable. ${pgUnavailable}`);
  const fresh = freshPgSchema();
  cleanups.push(fresh.drop);
  return fresh;
}

describe("committed migrations", () => {
  it.each(["sqlite", "postgres"] as const)("the embedded %s migrations are the committed files", (provider) => {
    const folder = join(packageRoot, "prisma", provider, "migrations");
    const names = readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(MIGRATIONS[provider].map((m) => m.name)).toEqual(names);
    for (const migration of MIGRATIONS[provider]) {
      const bytes = readFileSync(join(folder, migration.name, "migration.sql"));
      expect(migration.sql).toBe(bytes.toString("utf8"));
      expect(migration.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
    const lock = readFileSync(join(folder, "migration_lock.toml"), "utf8");
    expect(lock).toContain(`provider = "${provider === "postgres" ? "postgresql" : "sqlite"}"`);
  });
});

describe("migrateDatabase on SQLite", () => {
  it("applies once, is idempotent, and Prisma's CLI agrees", async () => {
    const { url } = sqliteFile();
    expect(await migrateDatabase(url)).toEqual(MIGRATIONS.sqlite.map((m) => m.name));
    expect(await migrateDatabaseWithReport(url)).toEqual({
      provider: "sqlite",
      applied: [],
      unknown: [],
    });
    const status = await prismaMigrateStatus(url);
    expect(status.output).toContain("Database schema is up to date!");
    expect(status.code).toBe(0);
  });

  it("refuses a missing file when asked not to migrate, and a failed migration record", async () => {
    const { url, path } = sqliteFile();
    const missing = await createTracker({ url, migrate: false }).catch((e: unknown) => e);
    expect(isAelabError(missing, "TRACKING")).toBe(true);
    await migrateDatabase(url);
    const db = new Database(path);
    db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('x', 'y', '29990101000000_broken', '2026-01-01')`).run();
    db.close();
    const error = await migrateDatabase(url).catch((e: unknown) => e);
    expect(isAelabError(error, "TRACKING")).toBe(true);
    expect((error as Error).message).toMatch(/failed=\["29990101000000_broken"\]/);
  });

  it("rejects URLs it cannot open", async () => {
    for (const url of ["mysql://localhost/x", "file:", "file::memory:", "sqlite.db"]) {
      expect(isAelabError(await createTracker({ url }).catch((e: unknown) => e), "INVALID_INPUT"), url).toBe(true);
    }
  });
});

describe("migrateDatabase on PostgreSQL", () => {
  pgIt("applies each migration once under concurrency, and Prisma's CLI agrees", async () => {
    const { url, schema } = pgSchema();
    const unmigrated = await createTracker({ url }).catch((e: unknown) => e);
    expect(isAelabError(unmigrated, "TRACKING")).toBe(true);
    expect((unmigrated as Error).message).toMatch(/aelab db migrate.*pending=/);

    const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
    expect(results.flat()).toEqual(MIGRATIONS.postgres.map((m) => m.name));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const rows = await client.query(`SELECT migration_name, checksum, applied_steps_count FROM "${schema}"."_prisma_migrations"`);
      expect(rows.rows).toEqual(
        MIGRATIONS.postgres.map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          applied_steps_count: 1,
        })),
      );
      const publicTables = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'runs'`);
      expect(publicTables.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    const status = await prismaMigrateStatus(url);
    expect(status.output).toContain("Database schema is up to date!");

    const tracker = await createTracker({ url });
    const run = await tracker.startRun({
      experimentName: "pg-migrated",
      name: "r",
      architecture: "dense",
      spec: {},
    });
    expect(run.status).toBe("running");
    await tracker.close();
  });

  pgIt("createTracker({ migrate: true }) migrates a fresh schema itself", async () => {
    const { url } = pgSchema();
    const tracker = await createTracker({ url, migrate: true });
    expect((await tracker.listRuns()).total).toBe(0);
    await tracker.close();
  });

  it("reports an unreachable server as TRACKING", async () => {
    const error = await migrateDatabase("postgresql://postgres@127.0.0.1:1/test").catch((e: unknown) => e);
    expect(isAelabError(error, "TRACKING")).toBe(true);
    expect((error as Error).message).toContain("Received: url=");
  });
});

/** Rows a database made by the first release holds: a sweep with a run, written with that schema's columns. */
const INIT_ROWS = [
  `INSERT INTO "experiments" ("id", "name", "created_at") VALUES ('e1', 'old', '2026-01-01T00:00:00.000Z')`,
  `INSERT INTO "sweeps" ("id", "experiment_id", "name", "config", "status", "created_at") VALUES ('s1', 'e1', 'grid', '{"name":"grid"}', 'finished', '2026-01-01T00:00:00.000Z')`,
  `INSERT INTO "runs" ("id", "name", "experiment_id", "sweep_id", "status", "architecture", "spec", "started_at") VALUES ('r1', 'dense-h2', 'e1', 's1', 'finished', 'dense', '{}', '2026-01-01T00:00:00.000Z')`,
];

async function expectUpgradedRows(url: string): Promise<void> {
  const tracker = await createTracker({ url });
  try {
    expect(await tracker.getSweep("s1")).toMatchObject({ name: "grid", method: "grid", samplerState: null, status: "finished" });
    expect(await tracker.getRun("r1")).toMatchObject({ sweepId: "s1", trialIndex: null, status: "finished" });
    expect(await tracker.listTrials("s1")).toEqual([]);
  } finally {
    await tracker.close();
  }
}

describe("upgrading a database made before sweep trials", () => {
  it("keeps a SQLite file's sweeps and their runs", async () => {
    const { url, path } = sqliteFile();
    migrateSqliteFile(path, MIGRATIONS.sqlite.slice(0, 1));
    const db = new Database(path);
    for (const sql of INIT_ROWS) db.exec(sql.replaceAll(".000Z'", ".000+00:00'"));
    db.close();
    await expectUpgradedRows(url);
  });

  pgIt("keeps a PostgreSQL schema's sweeps and their runs", async () => {
    const { url, schema } = pgSchema();
    await migratePostgres(parsePostgresUrl(url), MIGRATIONS.postgres.slice(0, 1));
    const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      for (const sql of INIT_ROWS) await client.query(sql);
    } finally {
      await client.end();
    }
    expect(await migrateDatabase(url)).toEqual(MIGRATIONS.postgres.slice(1).map((m) => m.name));
    await expectUpgradedRows(url);
  });
});
