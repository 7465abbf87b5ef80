"use client";
/**
 * The runs table. The page renders the first response on the server; while
 * any run on the page is queued or running, the table polls `runs.list` for
 * the same page, so status badges and best val_mse follow the runs without a
 * reload, and stops polling once none is live. Every user string (names,
 * backends) is rendered as React text.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { formatDate, formatMetric } from "~/lib/format";
import { LIVE_STATUSES, bestValMse, epochsOf } from "~/lib/run-view";
import type { RunSort } from "~/lib/runs-url";
import type { ListRunsInput } from "~/server/api/routers/inputs";
import type { RunListItem } from "~/server/api/routers/runs";
import { useTRPC } from "~/trpc/react";
import { StatusBadge } from "./status-badge";

/** How often a page with live runs polls. */
export const RUNS_POLL_MS = 3000;

interface Column {
  label: string;
  sort?: RunSort;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { label: "Name", sort: "name" },
  { label: "Architecture", sort: "architecture" },
  { label: "Hidden size", sort: "hiddenSize", numeric: true },
  { label: "Status", sort: "status" },
  { label: "Backend" },
  { label: "Best val_mse", sort: "val_mse", numeric: true },
  { label: "Epochs", numeric: true },
  { label: "Started", sort: "startedAt" },
];

/** The sort links, built on the server (runs-url reads @aelab/tracking, which stays out of the browser bundle). */
export interface RunsSortState {
  sort: RunSort;
  dir: "asc" | "desc";
  hrefs: Record<RunSort, string>;
}

export interface RunsPageData {
  runs: RunListItem[];
  total: number;
}

const hasLiveRun = (data: RunsPageData | undefined) => data?.runs.some((run) => LIVE_STATUSES.includes(run.status)) ?? false;

function SortableHeader({ column, state }: { column: Column; state: RunsSortState }) {
  const active = column.sort !== undefined && state.sort === column.sort;
  const ariaSort = active ? (state.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" className={column.numeric ? "num" : undefined} aria-sort={ariaSort}>
      {column.sort ? (
        <Link href={state.hrefs[column.sort]} data-testid={`sort-${column.sort}`}>
          {column.label}
        </Link>
      ) : (
        column.label
      )}
    </th>
  );
}

/** Polls the page's runs while any is live; when the last one ends, re-renders the server parts (total, facets). */
function useLiveRuns(input: ListRunsInput, initial: RunsPageData) {
  const trpc = useTRPC();
  const router = useRouter();
  const query = useQuery(
    trpc.runs.list.queryOptions(input, {
      initialData: initial,
      refetchInterval: (q) => (hasLiveRun(q.state.data) ? RUNS_POLL_MS : false),
    }),
  );
  const live = hasLiveRun(query.data);
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) router.refresh();
    wasLive.current = live;
  }, [live, router]);
  return { data: query.data, live };
}

export function RunsTable({ initial, input, sort }: { initial: RunsPageData; input: ListRunsInput; sort: RunsSortState }) {
  const { data, live } = useLiveRuns(input, initial);
  const runs = data.runs;
  return (
    <table data-testid="runs-table" data-live={live ? "true" : "false"}>
      <thead>
        <tr>
          {COLUMNS.map((column) => (
            <SortableHeader key={column.label} column={column} state={sort} />
          ))}
        </tr>
      </thead>
      <tbody>
        {runs.length === 0 ? (
          <tr>
            <td colSpan={COLUMNS.length} className="muted" data-testid="runs-empty">
              No runs match these filters.
            </td>
          </tr>
        ) : (
          runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id}>
              <td className="name">
                <Link href={`/runs/${encodeURIComponent(run.id)}`} data-testid="run-link">
                  {run.name}
                </Link>
              </td>
              <td>{run.architecture}</td>
              <td className="num">{run.hiddenSize ?? "—"}</td>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{run.backend ?? "—"}</td>
              <td className="num" data-testid="best-val-mse">
                {formatMetric(bestValMse(run))}
              </td>
              <td className="num">{epochsOf(run) ?? "—"}</td>
              <td>{formatDate(run.startedAt)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
