/** Sweeps: the experiments and sweeps for the scope pickers, and one sweep's trials with their results. */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { ParamValue, TrialStatus } from "@aelab/tracking";
import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";

/** The sweep view's metric: the saved weights' val_mse; runs without it (pruned, running) fall back to their lowest val_mse so far. */
export const SWEEP_METRIC = "best_val_mse";
const FALLBACK_METRIC = "val_mse";

export interface SweepTrialRow {
  index: number;
  status: TrialStatus;
  params: Record<string, ParamValue>;
  runId: string | null;
  /** The metric of the trial's latest run, or null. */
  value: number | null;
}

export const sweepsRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ experimentName: z.string().trim().min(1).max(200).optional() }))
    .query(({ ctx, input }) => ctx.tracker.listSweeps(input.experimentName)),

  experiments: publicProcedure.query(({ ctx }) => ctx.tracker.listExperiments()),

  /** Every trial of a sweep (pruned ones included, as pruned) with its run's metric, for parallel coordinates and importance. */
  trials: publicProcedure.input(z.strictObject({ sweepId: z.string().trim().min(1).max(100) })).query(async ({ ctx, input }) => {
    const sweep = await ctx.tracker.getSweep(input.sweepId);
    if (!sweep) throw new AelabError(ErrorCode.NotFound, `Expected the id of an existing sweep. Received: sweepId=${describeValue(input.sweepId)}`);
    const [trials, best, soFar] = await Promise.all([
      ctx.tracker.listTrials(sweep.id),
      ctx.tracker.compare({ sweepId: sweep.id, metric: SWEEP_METRIC }),
      ctx.tracker.compare({ sweepId: sweep.id, metric: FALLBACK_METRIC }),
    ]);
    const value = new Map(soFar.map((row) => [row.runId, row.best]));
    for (const row of best) if (row.best !== null) value.set(row.runId, row.best);
    const rows: SweepTrialRow[] = trials.map((trial) => ({
      index: trial.index,
      status: trial.status,
      params: trial.params,
      runId: trial.runId,
      value: trial.runId === null ? null : (value.get(trial.runId) ?? null),
    }));
    return { sweep: { id: sweep.id, name: sweep.name, method: sweep.method, status: sweep.status }, metric: SWEEP_METRIC, trials: rows };
  }),
});
