/**
 * Why this file exists: seeding or importing millions of metric points through
 * `logBatch` runs at about 10,000 points/s (Prisma, one parameterised statement
 * per 500 rows, summaries recomputed per batch). This is the documented bulk
 * path for SQLite files: one better-sqlite3 connection, prepared multi-row
 * upserts inside one transaction per call, and the touched summaries
 * recomputed with the same rule (`summarise`) at the end of the call. Values
 * are bound as doubles, so they are stored exactly (no Prisma rounding).
 *
 * Same semantics as `logBatch` for metrics (upsert on run, key, step; summary
 * of every touched key recomputed from its points), except that it does not
 * refresh the run's heartbeat. SQLite only: PostgreSQL callers use `logBatch`.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import type Database from "better-sqlite3";
import { parseDatabaseUrl, redactUrl, resolveDatabaseUrl } from "../internal/database-url.ts";
import { openSqlite } from "../internal/migrate-sqlite.ts";
import { summarise, type KindAggregate } from "../internal/metric-summary.ts";
import { decodeNumber, encodeNumber } from "../internal/number-codec.ts";
import { notFound } from "../internal/prisma-errors.ts";
import { requireMetric, requireText } from "../internal/validate.ts";
import type { MetricInput } from "../tracker.ts";

const ROWS_PER_STATEMENT = 100;

export interface BulkMetricLoader {
  /** Upserts `metrics` of one run in one transaction and refreshes the touched keys' summaries. Returns the points written. */
  load(runId: string, metrics: readonly MetricInput[]): number;
  close(): void;
}

/** Prisma's SQLite adapter stores DateTime as this text; the bulk path writes the same. */
const dateText = (date: Date) => date.toISOString().replace("Z", "+00:00");

function upsertSql(rows: number): string {
  const values = Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?)").join(", ");
  return `INSERT INTO "metrics" ("run_id", "key", "step", "epoch", "value", "kind", "wall_time") VALUES ${values}
    ON CONFLICT ("run_id", "key", "step") DO UPDATE SET
      "epoch" = excluded."epoch", "value" = excluded."value", "kind" = excluded."kind", "wall_time" = excluded."wall_time"`;
}

class SqliteBulkMetricLoader implements BulkMetricLoader {
  readonly #db: Database.Database;
  readonly #full: Database.Statement;
  readonly #statements = new Map<number, Database.Statement>();
  readonly #runExists: Database.Statement;
  readonly #groups: Database.Statement;
  readonly #latest: Database.Statement;
  readonly #summary: Database.Statement;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#full = db.prepare(upsertSql(ROWS_PER_STATEMENT));
    this.#runExists = db.prepare(`SELECT 1 FROM "runs" WHERE "id" = ?`);
    this.#groups = db.prepare(
      `SELECT "kind", MIN("value") AS min, MAX("value") AS max, COUNT(*) AS count FROM "metrics" WHERE "run_id" = ? AND "key" = ? GROUP BY "kind"`,
    );
    this.#latest = db.prepare(`SELECT "step", "value", "kind" FROM "metrics" WHERE "run_id" = ? AND "key" = ? ORDER BY "step" DESC LIMIT 1`);
    this.#summary = db.prepare(`INSERT INTO "metric_summaries"
        ("run_id", "key", "latest_value", "latest_kind", "latest_step", "min_value", "min_kind", "max_value", "max_kind", "count")
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT ("run_id", "key") DO UPDATE SET
        "latest_value" = excluded."latest_value", "latest_kind" = excluded."latest_kind", "latest_step" = excluded."latest_step",
        "min_value" = excluded."min_value", "min_kind" = excluded."min_kind",
        "max_value" = excluded."max_value", "max_kind" = excluded."max_kind", "count" = excluded."count"`);
  }

  #statement(rows: number): Database.Statement {
    if (rows === ROWS_PER_STATEMENT) return this.#full;
    let statement = this.#statements.get(rows);
    if (!statement) this.#statements.set(rows, (statement = this.#db.prepare(upsertSql(rows))));
    return statement;
  }

  #refreshSummary(runId: string, key: string): void {
    const groups = this.#groups.all(runId, key) as KindAggregate[];
    const latest = this.#latest.get(runId, key) as { step: number; value: number | null; kind: string };
    const s = summarise(groups, { step: latest.step, value: decodeNumber(latest.value, latest.kind) });
    this.#summary.run(runId, key, s.latestValue, s.latestKind, s.latestStep, s.minValue, s.minKind, s.maxValue, s.maxKind, s.count);
  }

  load(runId: string, metrics: readonly MetricInput[]): number {
    requireText("runId", runId);
    metrics.forEach((metric, index) => requireMetric(metric, index));
    const now = dateText(new Date());
    const write = this.#db.transaction(() => {
      if (this.#runExists.get(runId) === undefined) throw notFound("run", `runId=${JSON.stringify(runId)}`);
      const args: unknown[] = [];
      for (let start = 0; start < metrics.length; start += ROWS_PER_STATEMENT) {
        const chunk = metrics.slice(start, start + ROWS_PER_STATEMENT);
        args.length = 0;
        for (const m of chunk) {
          const { value, kind } = encodeNumber(m.value);
          args.push(runId, m.key, m.step, m.epoch ?? null, value, kind, m.wallTime ? dateText(m.wallTime) : now);
        }
        this.#statement(chunk.length).run(args);
      }
      for (const key of new Set(metrics.map((m) => m.key))) this.#refreshSummary(runId, key);
    });
    write.immediate();
    return metrics.length;
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Opens the bulk metric path on an existing, migrated SQLite tracking file.
 *
 * @example
 * ```ts
 * const loader = openBulkMetricLoader("file:./aelab.db");
 * loader.load(run.id, points); // MetricInput[]
 * loader.close();
 * ```
 */
export function openBulkMetricLoader(url?: string): BulkMetricLoader {
  const resolved = resolveDatabaseUrl(url);
  const target = parseDatabaseUrl(resolved);
  if (target.provider !== "sqlite") {
    throw new AelabError(
      ErrorCode.InvalidConfig,
      `Expected a SQLite tracking database for the bulk metric path (use logBatch on PostgreSQL). Received: url=${redactUrl(resolved)}`,
    );
  }
  const db = openSqlite(target.path);
  db.pragma("synchronous = NORMAL");
  return new SqliteBulkMetricLoader(db);
}
