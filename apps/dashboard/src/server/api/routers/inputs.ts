/** Zod input schemas shared by the routers and the URL-state parsers. */
import { RUN_STATUSES } from "@aelab/tracking";
import { z } from "zod";

export const RUN_SORT_COLUMNS = ["startedAt", "name", "hiddenSize", "architecture", "status"] as const;

const name = z.string().trim().min(1).max(200);
const metricKey = z.string().regex(/^[\w.\-/]{1,100}$/, "metric keys are letters, digits, _ . - /");

/** Optional experiment / sweep scope, shared by list, facets and compare. */
export const scopeInput = z.strictObject({
  experimentName: name.optional(),
  sweepId: z.string().trim().min(1).max(100).optional(),
});

export const runOrderBy = z.union([z.enum(RUN_SORT_COLUMNS), z.templateLiteral(["metric:", metricKey])]);
export type RunOrderBy = z.infer<typeof runOrderBy>;

export const listRunsInput = scopeInput.extend({
  status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
  architecture: z.array(z.string().min(1).max(100)).max(50).optional(),
  hiddenSize: z.array(z.number().int().positive()).max(100).optional(),
  orderBy: runOrderBy.default("startedAt"),
  direction: z.enum(["asc", "desc"]).default("desc"),
  limit: z.number().int().min(1).max(500).default(25),
  offset: z.number().int().min(0).max(1_000_000_000).default(0),
});
export type ListRunsInput = z.input<typeof listRunsInput>;

export const runIdInput = z.strictObject({ id: z.string().trim().min(1).max(100) });

export const compareInput = scopeInput.extend({
  metric: metricKey.default("val_mse"),
  pcaMetric: metricKey.default("pca_val_mse"),
});

const runId = z.string().trim().min(1).max(100);
const step = z.number().int().min(-2_147_483_647).max(2_147_483_647);
const window = { from: step.optional(), to: step.optional() };
const fromBeforeTo = (input: { from?: number; to?: number }) => input.from === undefined || input.to === undefined || input.from <= input.to;
const FROM_AFTER_TO = { message: "from must be ≤ to", path: ["from"] };

/** One run's curves inside an optional step window [from, to], at most maxPoints a series. */
export const curvesInput = z
  .strictObject({ runId, keys: z.array(metricKey).min(1).max(20).optional(), ...window, maxPoints: z.number().int().min(10).max(2000).default(1000) })
  .refine(fromBeforeTo, FROM_AFTER_TO);
export type CurvesInput = z.input<typeof curvesInput>;

/** The same keys of many runs (the compare page's overlay); the per-series budget shrinks with the number of series. */
export const overlayInput = z
  .strictObject({
    runIds: z.array(runId).min(1).max(50),
    keys: z.array(metricKey).min(1).max(5),
    ...window,
    maxPoints: z.number().int().min(10).max(2000).optional(),
  })
  .refine(fromBeforeTo, FROM_AFTER_TO);
export type OverlayInput = z.input<typeof overlayInput>;
