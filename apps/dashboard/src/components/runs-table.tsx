/** The runs table. Every user string (names, backends) is rendered as React text. */
import type { RunListItem } from "~/server/api/routers/runs";
import Link from "next/link";
import { formatDate, formatMetric } from "~/lib/format";
import { bestValMse, epochsOf } from "~/lib/run-view";
import { sortHref, type RunSort, type RunsUrlState } from "~/lib/runs-url";
import { StatusBadge } from "./status-badge";

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

function SortableHeader({ column, state }: { column: Column; state: RunsUrlState }) {
  const active = column.sort !== undefined && state.sort === column.sort;
  const ariaSort = active ? (state.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" className={column.numeric ? "num" : undefined} aria-sort={ariaSort}>
      {column.sort ? (
        <Link href={sortHref(state, column.sort)} data-testid={`sort-${column.sort}`}>
          {column.label}
        </Link>
      ) : (
        column.label
      )}
    </th>
  );
}

export function RunsTable({ runs, state }: { runs: RunListItem[]; state: RunsUrlState }) {
  return (
    <table data-testid="runs-table">
      <thead>
        <tr>
          {COLUMNS.map((column) => (
            <SortableHeader key={column.label} column={column} state={state} />
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
              <td className="num">{formatMetric(bestValMse(run))}</td>
              <td className="num">{epochsOf(run) ?? "—"}</td>
              <td>{formatDate(run.startedAt)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
