/** Runs: the paginated, filterable list (full or as table rows), one run, its artifacts and the filter facets. */
import { AelabError, ErrorCode, describeValue } from "@aelab/core";
import type { RunRecord, Tracker } from "@aelab/tracking";
import { toRunRow } from "~/lib/run-view";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { listRunsInput, runIdInput, scopeInput } from "./inputs";

/**
 * A run as the list shows it: without the spec and the split (which holds the
 * validation indices, kilobytes per run). `runs.get` returns them.
 */
export type RunListItem = Omit<RunRecord, "spec" | "split">;

export function toListItem(run: RunRecord): RunListItem {
  const { spec, split, ...item } = run;
  void spec;
  void split;
  return item;
}

export async function requireRun(tracker: Tracker, id: string): Promise<RunRecord> {
  const run = await tracker.getRun(id);
  if (!run) throw new AelabError(ErrorCode.NotFound, `Expected the id of an existing run. Received: id=${describeValue(id)}`);
  return run;
}

export const runsRouter = createTRPCRouter({
  list: publicProcedure.input(listRunsInput).query(async ({ ctx, input }) => {
    const { runs, total } = await ctx.tracker.listRuns(input);
    return { runs: runs.map(toListItem), total };
  }),

  /** The same page as `list`, as the runs table's rows only (about a tenth of the bytes: no params, tags or full summaries). */
  rows: publicProcedure.input(listRunsInput).query(async ({ ctx, input }) => {
    const { runs, total } = await ctx.tracker.listRuns(input);
    return { rows: runs.map(toRunRow), total };
  }),

  get: publicProcedure.input(runIdInput).query(({ ctx, input }) => requireRun(ctx.tracker, input.id)),

  artifacts: publicProcedure.input(runIdInput).query(async ({ ctx, input }) => {
    await requireRun(ctx.tracker, input.id);
    return ctx.tracker.listArtifacts(input.id);
  }),

  /** Distinct architectures and hidden sizes in scope, for the filter controls (grouped in SQL). */
  facets: publicProcedure.input(scopeInput).query(({ ctx, input }) => ctx.queries.runFacets(input)),
});
