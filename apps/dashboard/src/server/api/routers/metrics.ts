/**
 * Metrics: downsampled curves (one run, or many overlaid) and the
 * architecture × hidden-size comparison. Curves never return every point: the
 * tracking queries keep at most `maxPoints` a series (min/max buckets, first
 * and last kept), over the step window asked for.
 */
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { overlayBudget, toCurve, type Curve } from "~/lib/curves";
import { compareInput, curvesInput, overlayInput } from "./inputs";
import { requireRun } from "./runs";

export const metricsRouter = createTRPCRouter({
  /** One run's curves in [from, to] (default: everything), ≤ maxPoints (default 1,000) a series. */
  curves: publicProcedure.input(curvesInput).query(async ({ ctx, input }): Promise<Curve[]> => {
    const windows = await ctx.queries.metricWindows({ runIds: [input.runId], keys: input.keys, from: input.from, to: input.to, maxPoints: input.maxPoints });
    // An empty answer is either an unknown run (NOT_FOUND) or a run with nothing in the window.
    if (windows.length === 0) await requireRun(ctx.tracker, input.runId);
    return windows.map(toCurve);
  }),

  /** The same keys of several runs, each series within the overlay budget unless maxPoints says otherwise. */
  overlay: publicProcedure.input(overlayInput).query(async ({ ctx, input }): Promise<Curve[]> => {
    const maxPoints = input.maxPoints ?? overlayBudget(input.runIds.length * input.keys.length);
    return (await ctx.queries.metricWindows({ runIds: input.runIds, keys: input.keys, from: input.from, to: input.to, maxPoints })).map(toCurve);
  }),

  /** Finished runs only: a failed or interrupted run's best value is not a result to compare. */
  compare: publicProcedure.input(compareInput).query(async ({ ctx, input }) => (await ctx.tracker.compare(input)).filter((row) => row.status === "finished")),
});
