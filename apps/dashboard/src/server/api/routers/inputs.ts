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

export const metricHistoryInput = z.strictObject({
  runId: z.string().trim().min(1).max(100),
  keys: z.array(metricKey).min(1).max(50).optional(),
});

export const compareInput = scopeInput.extend({
  metric: metricKey.default("val_mse"),
  pcaMetric: metricKey.default("pca_val_mse"),
});
