"use client";
/**
 * The runs table: TanStack Table over the current page's runs (sorting,
 * filtering and pagination stay on the server, in the URL), its rows
 * virtualised with TanStack Virtual inside a scrolling box, so a 200-run page
 * mounts only the rows in view. The page renders the first response on the
 * server; while any run on the page is queued or running, the table polls
 * `runs.rows` (the same page, table fields only), so status badges and best val_mse follow the
 * runs without a reload, and stops once none is live. Every user string
 * (names, backends) is rendered as React text.
 */
import { useQuery } from "@tanstack/react-query";
import { createColumnHelper, tableFeatures, useTable, type Header } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, type ReactNode } from "react";
import { formatDate, formatMetric } from "~/lib/format";
import { LIVE_STATUSES, type RunRow } from "~/lib/run-view";
import type { RunSort } from "~/lib/runs-url";
import type { ListRunsInput } from "~/server/api/routers/inputs";
import { useTRPC } from "~/trpc/react";
import { StatusBadge } from "./status-badge";

/** How often a page with live runs polls. */
export const RUNS_POLL_MS = 3000;
/** The scrolling box's height (CSS max-height) and a row's estimated height, in px. */
const VIEWPORT_PX = 640;
const ROW_PX = 36;

/** The sort links, built on the server (runs-url reads @aelab/tracking, which stays out of the browser bundle). */
export interface RunsSortState {
  sort: RunSort;
  dir: "asc" | "desc";
  hrefs: Record<RunSort, string>;
}

export interface RunsPageData {
  rows: RunRow[];
  total: number;
}

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, RunRow>();
const columns = helper.columns([
  helper.accessor("name", {
    header: "Name",
    cell: (info) => (
      <Link href={`/runs/${encodeURIComponent(info.row.original.id)}`} data-testid="run-link">
        {info.getValue()}
      </Link>
    ),
  }),
  helper.accessor("architecture", { header: "Architecture", cell: (info) => info.getValue() }),
  helper.accessor("hiddenSize", { header: "Hidden size", cell: (info) => info.getValue() ?? "—" }),
  helper.accessor("status", { header: "Status", cell: (info) => <StatusBadge status={info.getValue()} /> }),
  helper.accessor("backend", { header: "Backend", cell: (info) => info.getValue() ?? "—" }),
  helper.accessor("bestValMse", { header: "Best val_mse", cell: (info) => formatMetric(info.getValue()) }),
  helper.accessor("epochs", { header: "Epochs", cell: (info) => info.getValue() ?? "—" }),
  helper.accessor("startedAt", { header: "Started", cell: (info) => formatDate(info.getValue()) }),
]);

/** Per column: the URL sort it links to, and how its cells are laid out. */
const COLUMN_UI: Record<string, { sort?: RunSort; className?: string; testId?: string }> = {
  name: { sort: "name", className: "name" },
  architecture: { sort: "architecture" },
  hiddenSize: { sort: "hiddenSize", className: "num" },
  status: { sort: "status" },
  bestValMse: { sort: "val_mse", className: "num", testId: "best-val-mse" },
  epochs: { className: "num" },
  startedAt: { sort: "startedAt" },
};

const hasLiveRun = (data: RunsPageData | undefined) => data?.rows.some((run) => LIVE_STATUSES.includes(run.status)) ?? false;

/** Polls the page's runs while any is live; when the last one ends, re-renders the server parts (total, facets). */
function useLiveRuns(input: ListRunsInput, initial: RunsPageData) {
  const trpc = useTRPC();
  const router = useRouter();
  const query = useQuery(
    trpc.runs.rows.queryOptions(input, {
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

function HeaderCell({ header, sort, children }: { header: Header<typeof features, RunRow, unknown>; sort: RunsSortState; children: ReactNode }) {
  const ui = COLUMN_UI[header.column.id] ?? {};
  const active = ui.sort !== undefined && sort.sort === ui.sort;
  const ariaSort = active ? (sort.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" className={ui.className === "num" ? "num" : undefined} aria-sort={ariaSort}>
      {ui.sort ? (
        <Link href={sort.hrefs[ui.sort]} data-testid={`sort-${ui.sort}`}>
          {children}
        </Link>
      ) : (
        children
      )}
    </th>
  );
}

export function RunsTable({ initial, input, sort }: { initial: RunsPageData; input: ListRunsInput; sort: RunsSortState }) {
  const { data, live } = useLiveRuns(input, initial);
  const table = useTable({ features, columns, data: data.rows, getRowId: (run) => run.id });
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    getItemKey: (index) => rows[index].id,
    overscan: 8,
    // The server (and the first client render) lays out the first screenful from this size.
    initialRect: { width: 1300, height: VIEWPORT_PX },
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const span = columns.length;
  return (
    <div className="table-scroll" ref={scrollRef} style={{ maxHeight: VIEWPORT_PX }} data-testid="runs-scroll">
      <table data-testid="runs-table" data-live={live ? "true" : "false"} data-rows={rows.length}>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} sort={sort}>
                  <table.FlexRender header={header} />
                </HeaderCell>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={span} className="muted" data-testid="runs-empty">
                No runs match these filters.
              </td>
            </tr>
          ) : null}
          {padTop > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: padTop }} /> : null}
          {items.map((item) => {
            const row = rows[item.index];
            return (
              <tr key={row.id} ref={virtualizer.measureElement} data-index={item.index} data-testid="run-row" data-run-id={row.id}>
                {row.getAllCells().map((cell) => {
                  const ui = COLUMN_UI[cell.column.id] ?? {};
                  return (
                    <td key={cell.id} className={ui.className} data-testid={ui.testId}>
                      <table.FlexRender cell={cell} />
                    </td>
                  );
                })}
              </tr>
            );
          })}
          {padBottom > 0 ? <tr aria-hidden="true" className="spacer" style={{ height: padBottom }} /> : null}
        </tbody>
      </table>
    </div>
  );
}
