/**
 * The batch primitive. One transaction per batch: metric points are upserted on
 * (run, key, step) — re-logging a step overwrites it, steps may arrive in any
 * order — params and tags are upserted, the run's heartbeat is refreshed, and
 * the summary of every touched key is recomputed from its points (so an
 * overwritten point can never leave a stale min/max behind). Values go through
 * metric-sql.ts, because Prisma's own Float writes are lossy.
 */
import type { Prisma } from "../generated/sqlite/client.ts";
import type { LogBatchInput, MetricInput, MetricPoint } from "../tracker.ts";
import { upsertPoints, upsertSummary } from "./metric-sql.ts";
import { summarise } from "./metric-summary.ts";
import { decodeNumber, encodeNumber } from "./number-codec.ts";
import { encodeParam } from "./param-codec.ts";
import type { Db } from "./prisma-client.ts";
import { notFound, tracked } from "./prisma-errors.ts";
import { requireRunExists } from "./run-store.ts";
import { requireMetric, requireParams, requireTags, requireText } from "./validate.ts";

type Tx = Prisma.TransactionClient;

// The SQLite adapter runs one transaction at a time per client; queued ones wait up to maxWait.
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 60_000 };

/** Last write wins for a repeated (key, step) inside one batch. */
function dedupe(metrics: readonly MetricInput[]): MetricInput[] {
  const byPoint = new Map<string, MetricInput>();
  for (const metric of metrics) byPoint.set(JSON.stringify([metric.key, metric.step]), metric);
  return [...byPoint.values()];
}

async function refreshSummary(tx: Tx, runId: string, key: string): Promise<void> {
  const groups = await tx.metric.groupBy({
    by: ["kind"],
    where: { runId, key },
    _min: { value: true },
    _max: { value: true },
    _count: { _all: true },
  });
  const latest = await tx.metric.findFirstOrThrow({
    where: { runId, key },
    orderBy: { step: "desc" },
    select: { step: true, value: true, kind: true },
  });
  const columns = summarise(
    groups.map((g) => ({
      kind: g.kind,
      min: g._min.value,
      max: g._max.value,
      count: g._count._all,
    })),
    { step: latest.step, value: decodeNumber(latest.value, latest.kind) },
  );
  await upsertSummary(tx, runId, key, columns);
}

export async function logBatch(db: Db, runId: string, batch: LogBatchInput): Promise<void> {
  requireText("runId", runId);
  const metrics = dedupe((batch?.metrics ?? []).map((metric, index) => requireMetric(metric, index)));
  const params = Object.entries(requireParams(batch?.params ?? {}));
  const tags = Object.entries(requireTags(batch?.tags ?? {}));
  const now = new Date();
  await tracked({ operation: "log a batch", subject: `runId=${JSON.stringify(runId)}` }, () =>
    db.$transaction(async (tx) => {
      // A write first: on SQLite it takes the write lock before anything is read, so a
      // concurrent writer makes us wait (busy_timeout) instead of failing mid-transaction.
      const { count } = await tx.run.updateMany({
        where: { id: runId },
        data: { heartbeatAt: now },
      });
      if (count === 0) throw notFound("run", `runId=${JSON.stringify(runId)}`);
      await upsertPoints(
        tx,
        runId,
        metrics.map((m) => ({
          key: m.key,
          step: m.step,
          epoch: m.epoch ?? null,
          encoded: encodeNumber(m.value),
          wallTime: m.wallTime ?? now,
        })),
      );
      for (const [key, value] of params) {
        const encoded = encodeParam(value);
        await tx.param.upsert({
          where: { runId_key: { runId, key } },
          create: { runId, key, ...encoded },
          update: encoded,
        });
      }
      for (const [key, value] of tags) {
        await tx.tag.upsert({
          where: { runId_key: { runId, key } },
          create: { runId, key, value },
          update: { value },
        });
      }
      for (const key of new Set(metrics.map((m) => m.key))) await refreshSummary(tx, runId, key);
    }, TRANSACTION_OPTIONS),
  );
}

/** Points of a run, by key then step. NOT_FOUND for an unknown run. */
export async function getMetrics(db: Db, runId: string, keys?: string[]): Promise<MetricPoint[]> {
  requireText("runId", runId);
  keys?.forEach((key, index) => requireText(`keys[${index}]`, key));
  const rows = await tracked({ operation: "read metrics" }, () =>
    db.metric.findMany({
      where: { runId, ...(keys === undefined ? {} : { key: { in: keys } }) },
      select: {
        key: true,
        step: true,
        epoch: true,
        value: true,
        kind: true,
        wallTime: true,
      },
      orderBy: [{ key: "asc" }, { step: "asc" }],
    }),
  );
  if (rows.length === 0) await requireRunExists(db, runId);
  // Keys in code-point order on both databases (PostgreSQL would use its collation).
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step));
  return rows.map((row) => ({
    key: row.key,
    step: row.step,
    epoch: row.epoch,
    value: decodeNumber(row.value, row.kind),
    wallTime: row.wallTime,
  }));
}
