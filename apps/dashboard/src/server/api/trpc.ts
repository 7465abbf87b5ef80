/**
 * tRPC is initialised once here (create-t3-app layout): the context, the
 * transformer, the error formatter and the base procedure every router uses.
 */
import type { Tracker, TrackingQueries } from "@aelab/tracking";
import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { getQueries, getTracker } from "~/server/tracker";
import { asAelabError, toTRPCError } from "./error-map";

/** What every procedure receives. Tests build it by hand with a temp-dir tracker. */
export interface TRPCContext {
  tracker: Tracker;
  /** Read-only SQL queries for large reads (downsampled curves, facets). */
  queries: TrackingQueries;
}

/** The request context: the process-wide tracker (no auth: the app binds to 127.0.0.1). */
export async function createTRPCContext(): Promise<TRPCContext> {
  const [tracker, queries] = await Promise.all([getTracker(), getQueries()]);
  return { tracker, queries };
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        aelabCode: asAelabError(cause)?.code ?? null,
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        zodIssues: cause instanceof ZodError ? cause.issues.map(({ code, path, message }) => ({ code, path: path.map(String), message })) : null,
      },
    };
  },
});

/** Converts aelab errors raised below into tRPC errors with the mapped code. */
const aelabErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;
export const publicProcedure = t.procedure.use(aelabErrors);
