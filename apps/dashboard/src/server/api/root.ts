/** The app router: one thin router per domain, composed here. */
import { metricsRouter } from "./routers/metrics";
import { modelsRouter } from "./routers/models";
import { runsRouter } from "./routers/runs";
import { sweepsRouter } from "./routers/sweeps";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  runs: runsRouter,
  sweeps: sweepsRouter,
  metrics: metricsRouter,
  models: modelsRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side caller, used by React Server Components and by the router tests. */
export const createCaller = createCallerFactory(appRouter);
