/**
 * The compare page keeps its state in the URL: scope (experiment, sweep), the
 * runs whose curves are overlaid, the overlaid metric, and the page of the
 * runs table. Parsing is forgiving: unknown values are dropped.
 */
import { allValues, buildHref, firstValue, positiveInt, type SearchParams } from "./search-params";

export const OVERLAY_KEYS = ["val_loss", "train_loss", "val_mse", "val_bce"] as const;
export type OverlayKey = (typeof OVERLAY_KEYS)[number];
/** At most this many runs are overlaid (the tRPC input allows 50). */
export const MAX_OVERLAY_RUNS = 20;
export const COMPARE_PAGE_SIZE = 50;

export interface CompareUrlState {
  experiment?: string;
  sweep?: string;
  runs: string[];
  key: OverlayKey;
  page: number;
}

export function parseCompareUrl(params: SearchParams): CompareUrlState {
  const key = firstValue(params, "key");
  return {
    experiment: firstValue(params, "experiment"),
    sweep: firstValue(params, "sweep"),
    runs: [...new Set(allValues(params, "runs"))].filter((id) => id.length <= 100).slice(0, MAX_OVERLAY_RUNS),
    key: (OVERLAY_KEYS as readonly string[]).includes(key ?? "") ? (key as OverlayKey) : "val_loss",
    page: Math.min(positiveInt(firstValue(params, "page"), 1), 1_000_000),
  };
}

export function compareHref(state: CompareUrlState, patch: Partial<CompareUrlState> = {}): string {
  const next = { ...state, ...patch };
  return buildHref("/compare", {
    experiment: next.experiment,
    sweep: next.sweep,
    runs: next.runs.length ? next.runs.join(",") : undefined,
    key: next.key === "val_loss" ? undefined : next.key,
    page: next.page > 1 ? next.page : undefined,
  });
}
