/**
 * Why this file exists: Prisma 6.19 rounds Float values it writes to about 16
 * significant digits (0.1 + 0.2 is stored as 0.3; prisma/orm#11096), through
 * the model API and `$executeRaw` number parameters alike, while reads are
 * exact. Metric values must come back as the same JS numbers, so metric points
 * and summaries are written here with raw SQL that passes each double as its
 * shortest round-trip text (`String(x)`) and lets the database parse it
 * (`CAST(… AS DOUBLE PRECISION)`; exact on PostgreSQL and on SQLite ≥ 3.43).
 *
 * The SQL is portable between SQLite and PostgreSQL: quoted identifiers,
 * `INSERT … ON CONFLICT … DO UPDATE` with `excluded`, and casts only to types
 * both understand. Placeholders are Prisma's (`?` / `$n` per provider).
 */
import { join, sqltag as sql } from "@prisma/client/runtime/client";
import type { Prisma } from "../generated/sqlite/client.ts";
import type { SummaryColumns } from "./metric-summary.ts";
import type { EncodedNumber } from "./number-codec.ts";

type Tx = Prisma.TransactionClient;

export interface PointRow {
  key: string;
  step: number;
  epoch: number | null;
  encoded: EncodedNumber;
  wallTime: Date;
}

// 7 parameters a row; stays far below SQLite's 32766 and PostgreSQL's 65535.
const ROWS_PER_STATEMENT = 500;

const double = (value: number | null) => sql`CAST(${value === null ? null : String(value)} AS DOUBLE PRECISION)`;
const integer = (value: number | null) => sql`CAST(${value} AS INTEGER)`;

/** Upserts points on (run_id, key, step): a re-logged step overwrites the old point. */
export async function upsertPoints(tx: Tx, runId: string, points: readonly PointRow[]): Promise<void> {
  for (let start = 0; start < points.length; start += ROWS_PER_STATEMENT) {
    const rows = points
      .slice(start, start + ROWS_PER_STATEMENT)
      .map((p) => sql`(${runId}, ${p.key}, ${integer(p.step)}, ${integer(p.epoch)}, ${double(p.encoded.value)}, ${p.encoded.kind}, ${p.wallTime})`);
    await tx.$executeRaw`INSERT INTO "metrics" ("run_id", "key", "step", "epoch", "value", "kind", "wall_time")
      VALUES ${join(rows)}
      ON CONFLICT ("run_id", "key", "step") DO UPDATE SET
        "epoch" = excluded."epoch", "value" = excluded."value", "kind" = excluded."kind", "wall_time" = excluded."wall_time"`;
  }
}

export async function upsertSummary(tx: Tx, runId: string, key: string, s: SummaryColumns): Promise<void> {
  await tx.$executeRaw`INSERT INTO "metric_summaries"
      ("run_id", "key", "latest_value", "latest_kind", "latest_step", "min_value", "min_kind", "max_value", "max_kind", "count")
    VALUES (${runId}, ${key}, ${double(s.latestValue)}, ${s.latestKind}, ${integer(s.latestStep)},
      ${double(s.minValue)}, ${s.minKind}, ${double(s.maxValue)}, ${s.maxKind}, ${integer(s.count)})
    ON CONFLICT ("run_id", "key") DO UPDATE SET
      "latest_value" = excluded."latest_value", "latest_kind" = excluded."latest_kind", "latest_step" = excluded."latest_step",
      "min_value" = excluded."min_value", "min_kind" = excluded."min_kind",
      "max_value" = excluded."max_value", "max_kind" = excluded."max_kind", "count" = excluded."count"`;
}
