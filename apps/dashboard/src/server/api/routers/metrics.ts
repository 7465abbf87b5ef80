/** Metrics: per-run histories (curves) and the architecture × hidden-size comparison. */
import type { MetricPoint } from "@aelab/tracking";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { compareInput, metricHistoryInput } from "./inputs";
import { requireRun } from "./runs";

export interface MetricSeries {
  key: string;
  points: Array<Pick<MetricPoint, "step" | "epoch" | "value">>;
}

/** Groups points by key, each series ordered by step. */
export function groupByKey(points: MetricPoint[]): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  for (const { key, step, epoch, value } of points) {
    let series = byKey.get(key);
    if (!series) byKey.set(key, (series = { key, points: [] }));
    series.points.push({ step, epoch, value });
  }
  for (const series of byKey.values()) series.points.sort((a, b) => a.step - b.step);
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

export const metricsRouter = createTRPCRouter({
  history: publicProcedure.input(metricHistoryInput).query(async ({ ctx, input }) => {
    await requireRun(ctx.tracker, input.runId);
    return groupByKey(await ctx.tracker.getMetrics(input.runId, input.keys));
  }),

  /** Finished runs only: a failed or interrupted run's best value is not a result to compare. */
  compare: publicProcedure.input(compareInput).query(async ({ ctx, input }) => (await ctx.tracker.compare(input)).filter((row) => row.status === "finished")),
});
