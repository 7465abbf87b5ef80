/**
 * The runs page keeps all of its state in the URL: filters, sort and page.
 * Parsing is forgiving (an unknown value is dropped, not an error page);
 * the router's zod schema stays strict for API callers.
 */
import { RUN_STATUSES, type RunStatus } from "@aelab/tracking";
import type { ListRunsInput, RunOrderBy } from "~/server/api/routers/inputs";
import { allValues, buildHref, firstValue, positiveInt, type SearchParams } from "./search-params";

/** URL `sort` values, each with the tracker's orderBy and its natural first direction. */
export const RUN_SORTS = {
  name: { orderBy: "name", firstDirection: "asc" },
  architecture: { orderBy: "architecture", firstDirection: "asc" },
  hiddenSize: { orderBy: "hiddenSize", firstDirection: "asc" },
  status: { orderBy: "status", firstDirection: "asc" },
  val_mse: { orderBy: "metric:best_val_mse", firstDirection: "asc" },
  startedAt: { orderBy: "startedAt", firstDirection: "desc" },
} as const satisfies Record<string, { orderBy: RunOrderBy; firstDirection: "asc" | "desc" }>;
export type RunSort = keyof typeof RUN_SORTS;

export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;
const DEFAULT_PAGE_SIZE = 25;

export interface RunsUrlState {
  status: RunStatus[];
  architecture: string[];
  hiddenSize: number[];
  experiment?: string;
  sweep?: string;
  sort: RunSort;
  dir: "asc" | "desc";
  page: number;
  pageSize: number;
}

function isRunSort(value: string | undefined): value is RunSort {
  return value !== undefined && Object.hasOwn(RUN_SORTS, value);
}

export function parseRunsUrl(params: SearchParams): RunsUrlState {
  const sortValue = firstValue(params, "sort");
  const sort: RunSort = isRunSort(sortValue) ? sortValue : "startedAt";
  const dirValue = firstValue(params, "dir");
  const pageSize = positiveInt(firstValue(params, "pageSize"), DEFAULT_PAGE_SIZE);
  return {
    status: [...new Set(allValues(params, "status"))].filter((s): s is RunStatus => (RUN_STATUSES as readonly string[]).includes(s)),
    architecture: [...new Set(allValues(params, "arch"))].slice(0, 50),
    hiddenSize: [
      ...new Set(
        allValues(params, "hidden")
          .map((v) => positiveInt(v, 0))
          .filter((n) => n > 0),
      ),
    ].slice(0, 100),
    experiment: firstValue(params, "experiment"),
    sweep: firstValue(params, "sweep"),
    sort,
    dir: dirValue === "asc" || dirValue === "desc" ? dirValue : RUN_SORTS[sort].firstDirection,
    // Capped so the offset stays a valid integer; pages past the end are redirected by the page.
    page: Math.min(positiveInt(firstValue(params, "page"), 1), MAX_PAGE),
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

export function toListRunsInput(state: RunsUrlState): ListRunsInput {
  return {
    experimentName: state.experiment,
    sweepId: state.sweep,
    status: state.status.length ? state.status : undefined,
    architecture: state.architecture.length ? state.architecture : undefined,
    hiddenSize: state.hiddenSize.length ? state.hiddenSize : undefined,
    orderBy: RUN_SORTS[state.sort].orderBy,
    direction: state.dir,
    limit: state.pageSize,
    offset: (state.page - 1) * state.pageSize,
  };
}

/** The URL of the runs page for `state` with `patch` applied; defaults are left out. */
/** The largest page number accepted from a URL. */
export const MAX_PAGE = 1_000_000;

export function runsHref(state: RunsUrlState, patch: Partial<RunsUrlState> = {}): string {
  const next = { ...state, ...patch };
  return buildHref("/", {
    experiment: next.experiment,
    sweep: next.sweep,
    status: next.status,
    arch: next.architecture,
    hidden: next.hiddenSize,
    sort: next.sort === "startedAt" ? undefined : next.sort,
    dir: next.dir === RUN_SORTS[next.sort].firstDirection ? undefined : next.dir,
    page: next.page > 1 ? next.page : undefined,
    pageSize: next.pageSize === DEFAULT_PAGE_SIZE ? undefined : next.pageSize,
  });
}

/** The href a column header links to: same column flips direction, a new one starts at its natural order. */
export function sortHref(state: RunsUrlState, sort: RunSort): string {
  const dir = state.sort === sort ? (state.dir === "asc" ? "desc" : "asc") : RUN_SORTS[sort].firstDirection;
  return runsHref(state, { sort, dir, page: 1 });
}

/** Every column's sort href for `state`. */
export function sortHrefs(state: RunsUrlState): Record<RunSort, string> {
  return Object.fromEntries(Object.keys(RUN_SORTS).map((sort) => [sort, sortHref(state, sort as RunSort)])) as Record<RunSort, string>;
}
