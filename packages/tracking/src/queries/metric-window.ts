/**
 * Downsampled metric curves for charts: the points of one or more runs'
 * metrics inside an optional step window, at most `maxPoints` per series.
 *
 * A series with more points than that is cut into equal step buckets and keeps,
 * per bucket, its lowest and its highest point (so a one-step spike survives),
 * plus the window's first and last points. NaN counts as the highest value of
 * its bucket: a diverged stretch still shows (as a gap) rather than vanishing.
 * The bucketing runs in SQL (window functions, portable between SQLite and
 * PostgreSQL), so only the kept rows leave the database.
 */
import { join, sqltag as sql, empty } from "@prisma/client/runtime/client";
import { decodeNumber } from "../internal/number-codec.ts";
import type { Db } from "../internal/prisma-client.ts";
import { tracked } from "../internal/prisma-errors.ts";
import { invalid, requireInt, requireText } from "../internal/validate.ts";

export const DEFAULT_MAX_POINTS = 1000;
/** The most points a caller may ask for per series. */
export const MAX_POINTS_LIMIT = 10_000;
const MAX_RUNS = 100;
const MAX_KEYS = 50;
const MAX_STEP = 2_147_483_647;

export interface MetricWindowQuery {
  runIds: string[];
  /** Keys to read; every key of those runs when omitted. */
  keys?: string[];
  /** First step of the window (inclusive); the series' first step when omitted. */
  from?: number;
  /** Last step of the window (inclusive); the series' last step when omitted. */
  to?: number;
  /** At most this many points per series (2–10,000); defaults to 1,000. */
  maxPoints?: number;
}

export interface WindowPoint {
  step: number;
  epoch: number | null;
  /** May be NaN or ±Infinity. */
  value: number;
}

/** One (run, key) series inside the window. */
export interface MetricWindow {
  runId: string;
  key: string;
  /** Points in the window before downsampling. */
  total: number;
  /** True when `points` is a min/max selection of `total` points. */
  downsampled: boolean;
  points: WindowPoint[];
}

interface WindowRow {
  run_id: string;
  key: string;
  step: number | bigint;
  epoch: number | bigint | null;
  value: number | null;
  kind: string;
  n: number | bigint;
}

function requireQuery(query: MetricWindowQuery): Required<Omit<MetricWindowQuery, "keys" | "from" | "to">> & Pick<MetricWindowQuery, "keys" | "from" | "to"> {
  if (!Array.isArray(query?.runIds) || query.runIds.length === 0 || query.runIds.length > MAX_RUNS)
    throw invalid(`\`runIds\` to be 1–${MAX_RUNS} run ids`, "runIds", query?.runIds);
  const runIds = query.runIds.map((id, i) => requireText(`runIds[${i}]`, id));
  if (query.keys !== undefined && (!Array.isArray(query.keys) || query.keys.length === 0 || query.keys.length > MAX_KEYS))
    throw invalid(`\`keys\` to be 1–${MAX_KEYS} metric keys`, "keys", query.keys);
  const keys = query.keys?.map((key, i) => requireText(`keys[${i}]`, key));
  const from = query.from === undefined ? undefined : requireInt("from", query.from, -MAX_STEP, MAX_STEP);
  const to = query.to === undefined ? undefined : requireInt("to", query.to, -MAX_STEP, MAX_STEP);
  if (from !== undefined && to !== undefined && from > to) throw invalid("`from` ≤ `to`", "from", from);
  const maxPoints = requireInt("maxPoints", query.maxPoints ?? DEFAULT_MAX_POINTS, 2, MAX_POINTS_LIMIT);
  return { runIds, keys, from, to, maxPoints };
}

const toNumber = (x: number | bigint): number => (typeof x === "bigint" ? Number(x) : x);

/**
 * Reads the window. Series come ordered by run (as given) then key (code-point
 * order); points by step. Unknown run ids simply have no series.
 */
export async function getMetricWindows(db: Db, query: MetricWindowQuery): Promise<MetricWindow[]> {
  const { runIds, keys, from, to, maxPoints } = requireQuery(query);
  // Each bucket keeps at most 2 points, and the window's first and last point are added.
  const buckets = Math.floor((maxPoints - 2) / 2);
  const where = sql`"run_id" IN (${join(runIds)})
    ${keys === undefined ? empty : sql`AND "key" IN (${join(keys)})`}
    ${from === undefined ? empty : sql`AND "step" >= CAST(${from} AS INTEGER)`}
    ${to === undefined ? empty : sql`AND "step" <= CAST(${to} AS INTEGER)`}`;
  const rows = await tracked(
    { operation: "read a metric window" },
    () =>
      db.$queryRaw<WindowRow[]>`
      WITH ranged AS (
        SELECT "run_id", "key", "step", "epoch", "value", "kind" FROM "metrics" WHERE ${where}
      ),
      stats AS (
        SELECT "run_id", "key", COUNT(*) AS n, MIN("step") AS first_step, MAX("step") AS last_step FROM ranged GROUP BY "run_id", "key"
      ),
      bucketed AS (
        SELECT r.*, s.n, s.first_step, s.last_step,
          CAST(r."step" - s.first_step AS BIGINT) * CAST(${buckets} AS BIGINT) / (CAST(s.last_step - s.first_step AS BIGINT) + 1) AS bucket
        FROM ranged r JOIN stats s ON s."run_id" = r."run_id" AND s."key" = r."key"
      ),
      ranked AS (
        SELECT b.*,
          ROW_NUMBER() OVER (PARTITION BY "run_id", "key", bucket ORDER BY CASE WHEN "value" IS NULL THEN 1 ELSE 0 END, "value", "step") AS low_rank,
          ROW_NUMBER() OVER (PARTITION BY "run_id", "key", bucket ORDER BY CASE WHEN "value" IS NULL THEN 0 ELSE 1 END, "value" DESC, "step") AS high_rank
        FROM bucketed b
      )
      SELECT "run_id", "key", "step", "epoch", "value", "kind", n FROM ranked
      WHERE n <= CAST(${maxPoints} AS BIGINT) OR low_rank = 1 OR high_rank = 1 OR "step" = first_step OR "step" = last_step
      ORDER BY "run_id", "key", "step"`,
  );
  const bySeries = new Map<string, MetricWindow>();
  for (const row of rows) {
    const id = JSON.stringify([row.run_id, row.key]);
    let series = bySeries.get(id);
    if (!series) {
      const total = toNumber(row.n);
      bySeries.set(id, (series = { runId: row.run_id, key: row.key, total, downsampled: total > maxPoints, points: [] }));
    }
    series.points.push({ step: toNumber(row.step), epoch: row.epoch === null ? null : toNumber(row.epoch), value: decodeNumber(row.value, row.kind) });
  }
  const runOrder = new Map(runIds.map((id, i) => [id, i]));
  return [...bySeries.values()].sort((a, b) => (runOrder.get(a.runId) ?? 0) - (runOrder.get(b.runId) ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
