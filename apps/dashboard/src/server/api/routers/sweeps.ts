/** Sweeps and the experiments that hold them, for the compare page's scope picker. */
import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";

export const sweepsRouter = createTRPCRouter({
  list: publicProcedure
    .input(z.object({ experimentName: z.string().trim().min(1).max(200).optional() }))
    .query(({ ctx, input }) => ctx.tracker.listSweeps(input.experimentName)),

  experiments: publicProcedure.query(({ ctx }) => ctx.tracker.listExperiments()),
});
