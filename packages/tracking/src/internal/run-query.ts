/** Reading many runs: the paginated, filterable, sortable list and the comparison table. */
import type { Prisma } from "../generated/sqlite/client.ts";
import { RUN_STATUSES, type CompareRow, type ListRunsQuery, type RunRecord, type RunStatus } from "../tracker.ts";
import { decodeNumber } from "./number-codec.ts";
import type { Db } from "./prisma-client.ts";
import { tracked } from "./prisma-errors.ts";
import { runSelect, summarySelect, toMetricSummary, toRunRecord } from "./run-record.ts";
import { invalid, requireInt, requireStatus, requireText } from "./validate.ts";

export const DEFAULT_PCA_METRIC = "pca_val_mse";
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const COLUMN_ORDERS = ["startedAt", "name", "hiddenSize", "architecture", "status"] as const;
type ColumnOrder = (typeof COLUMN_ORDERS)[number];
const SUMMARY_FIELDS = {
  latest: "latestValue",
  min: "minValue",
  max: "maxValue",
} as const;
type SummaryField = keyof typeof SUMMARY_FIELDS;

type Direction = "asc" | "desc";
type Order = { column: ColumnOrder } | { metric: string; field: SummaryField };

/** Filters shared by listRuns and compare. Empty arrays mean "no filter". */
function runWhere(query: ListRunsQuery): Prisma.RunWhereInput {
  const where: Prisma.RunWhereInput = {};
  if (query.experimentName !== undefined)
    where.experiment = {
      name: requireText("experimentName", query.experimentName),
    };
  if (query.sweepId !== undefined) where.sweepId = requireText("sweepId", query.sweepId);
  if (query.status?.length)
    where.status = {
      in: query.status.map((s) => requireStatus(s, RUN_STATUSES)),
    };
  if (query.architecture?.length) {
    where.architecture = {
      in: query.architecture.map((a, i) => requireText(`architecture[${i}]`, a)),
    };
  }
  if (query.hiddenSize?.length)
    where.hiddenSize = {
      in: query.hiddenSize.map((h, i) => requireInt(`hiddenSize[${i}]`, h, 1)),
    };
  return where;
}

function parseOrder(orderBy: ListRunsQuery["orderBy"]): Order {
  if (orderBy === undefined) return { column: "startedAt" };
  if ((COLUMN_ORDERS as readonly string[]).includes(orderBy)) return { column: orderBy as ColumnOrder };
  if (typeof orderBy === "string" && orderBy.startsWith("metric:")) {
    const rest = orderBy.slice("metric:".length);
    const match = /^(.*):(latest|min|max)$/.exec(rest);
    const metric = match?.[1] ?? rest;
    if (metric !== "")
      return {
        metric,
        field: (match?.[2] as SummaryField | undefined) ?? "min",
      };
  }
  throw invalid(`\`orderBy\` to be one of ${COLUMN_ORDERS.join(", ")} or metric:<key>[:latest|min|max]`, "orderBy", orderBy);
}

function columnOrderBy(column: ColumnOrder, direction: Direction): Prisma.RunOrderByWithRelationInput[] {
  const tieBreak: Prisma.RunOrderByWithRelationInput[] = [{ startedAt: "desc" }, { id: "asc" }];
  switch (column) {
    case "startedAt":
      return [{ startedAt: direction }, { id: "asc" }];
    case "hiddenSize":
      return [{ hiddenSize: { sort: direction, nulls: "last" } }, ...tieBreak];
    case "name":
      return [{ name: direction }, ...tieBreak];
    case "architecture":
      return [{ architecture: direction }, ...tieBreak];
    case "status":
      return [{ status: direction }, ...tieBreak];
  }
}

async function fetchRecords(db: Db, ids: string[]): Promise<RunRecord[]> {
  const rows = await db.run.findMany({
    where: { id: { in: ids } },
    select: runSelect,
  });
  const byId = new Map(rows.map((row) => [row.id, toRunRecord(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/**
 * Sorting by a metric summary, paginated in SQL: first the runs that have the
 * metric (ordered by the summary column; NaN is NULL and goes last; ±Infinity
 * are clamped so they order correctly), then the runs without it.
 */
async function pageByMetric(
  db: Db,
  where: Prisma.RunWhereInput,
  order: { metric: string; field: SummaryField },
  page: { direction: Direction; limit: number; offset: number },
): Promise<string[]> {
  const { direction, limit, offset } = page;
  const withMetric: Prisma.MetricSummaryWhereInput = {
    key: order.metric,
    run: where,
  };
  const haveMetric = await db.metricSummary.count({ where: withMetric });
  const ids: string[] = [];
  if (offset < haveMetric) {
    const rows = await db.metricSummary.findMany({
      where: withMetric,
      orderBy: [{ [SUMMARY_FIELDS[order.field]]: { sort: direction, nulls: "last" } }, { run: { startedAt: "desc" } }, { runId: "asc" }],
      skip: offset,
      take: limit,
      select: { runId: true },
    });
    ids.push(...rows.map((row) => row.runId));
  }
  if (ids.length < limit) {
    const rows = await db.run.findMany({
      where: { AND: [where, { summaries: { none: { key: order.metric } } }] },
      orderBy: [{ startedAt: "desc" }, { id: "asc" }],
      skip: Math.max(0, offset - haveMetric),
      take: limit - ids.length,
      select: { id: true },
    });
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

export async function listRuns(db: Db, query: ListRunsQuery = {}): Promise<{ runs: RunRecord[]; total: number }> {
  const where = runWhere(query);
  const order = parseOrder(query.orderBy);
  const direction = query.direction ?? ("column" in order && order.column === "startedAt" ? "desc" : "asc");
  if (direction !== "asc" && direction !== "desc") throw invalid('`direction` to be "asc" or "desc"', "direction", direction);
  const limit = requireInt("limit", query.limit ?? DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = requireInt("offset", query.offset ?? 0, 0);
  return tracked({ operation: "list runs" }, async () => {
    const total = await db.run.count({ where });
    if ("column" in order) {
      const rows = await db.run.findMany({
        where,
        orderBy: columnOrderBy(order.column, direction),
        skip: offset,
        take: limit,
        select: runSelect,
      });
      return { runs: rows.map(toRunRecord), total };
    }
    const ids = await pageByMetric(db, where, order, {
      direction,
      limit,
      offset,
    });
    return { runs: await fetchRecords(db, ids), total };
  });
}

export async function compare(
  db: Db,
  query: {
    experimentName?: string;
    sweepId?: string;
    metric: string;
    pcaMetric?: string;
  },
): Promise<CompareRow[]> {
  const metric = requireText("metric", query?.metric);
  const pcaMetric = requireText("pcaMetric", query.pcaMetric ?? DEFAULT_PCA_METRIC);
  const where = runWhere({
    experimentName: query.experimentName,
    sweepId: query.sweepId,
  });
  const rows = await tracked({ operation: "compare runs" }, () =>
    db.run.findMany({
      where,
      select: {
        id: true,
        name: true,
        architecture: true,
        hiddenSize: true,
        status: true,
        summaries: {
          where: { key: { in: [metric, pcaMetric] } },
          select: summarySelect,
        },
      },
      orderBy: [{ architecture: "asc" }, { hiddenSize: { sort: "asc", nulls: "last" } }, { startedAt: "asc" }, { id: "asc" }],
    }),
  );
  return rows.map((row) => {
    const best = row.summaries.find((s) => s.key === metric);
    const pca = row.summaries.find((s) => s.key === pcaMetric);
    return {
      runId: row.id,
      name: row.name,
      architecture: row.architecture,
      hiddenSize: row.hiddenSize,
      status: row.status as RunStatus,
      best: best === undefined ? null : toMetricSummary(best).min,
      pca: pca === undefined ? null : decodeNumber(pca.latestValue, pca.latestKind),
    };
  });
}
