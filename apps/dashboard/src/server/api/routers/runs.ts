/** Runs: the paginated, filterable list, one run, its artifacts and the filter facets. */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { RunRecord, Tracker } from "@aelab/tracking";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { listRunsInput, runIdInput, scopeInput } from "./inputs";

/** Runs scanned to build the filter facets (the tracker caps a page at 1000). */
const FACET_SCAN_LIMIT = 1000;

export async function requireRun(tracker: Tracker, id: string): Promise<RunRecord> {
  const run = await tracker.getRun(id);
  if (!run) throw new AelabError(ErrorCode.NotFound, `Expected the id of an existing run. Received: id=${describeValue(id)}`);
  return run;
}

export const runsRouter = createTRPCRouter({
  list: publicProcedure.input(listRunsInput).query(({ ctx, input }) => ctx.tracker.listRuns(input)),

  get: publicProcedure.input(runIdInput).query(({ ctx, input }) => requireRun(ctx.tracker, input.id)),

  artifacts: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    await requireRun(ctx.tracker, input.id);
    return ctx.tracker.listArtifacts(input.id);
  }),

  /** Distinct architectures and hidden sizes in scope, for the filter controls. */
  facets: publicProcedure.input(scopeInput).query(async ({ ctx, input }) => {
    const { runs, total } = await ctx.tracker.listRuns({ ...input, limit: FACET_SCAN_LIMIT });
    const architectures = [...new Set(runs.map((run) => run.architecture))].sort();
    const hiddenSizes = [...new Set(runs.flatMap((run) => (run.hiddenSize === null ? [] : [run.hiddenSize])))].sort((a, b) => a - b);
    return { architectures, hiddenSizes, total, truncated: total > runs.length };
  }),
});
