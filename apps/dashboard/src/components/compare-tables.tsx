/** The tables of the compare page: the pivot beside the chart, and the runs behind it. */
import type { CompareRow } from "@aelab/tracking";
import Link from "next/link";
import { pivotCompareSeries, type CompareSeries } from "~/lib/compare-series";
import { compareHref, COMPARE_PAGE_SIZE, MAX_OVERLAY_RUNS, type CompareUrlState } from "~/lib/compare-url";
import { formatMetric } from "~/lib/format";
import { StatusBadge } from "./status-badge";

export function ComparePivotTable({ series }: { series: CompareSeries[] }) {
  const { hiddenSizes, cells } = pivotCompareSeries(series);
  return (
    <table data-testid="compare-table">
      <thead>
        <tr>
          <th scope="col" className="num">
            Hidden size
          </th>
          {series.map((s) => (
            <th key={s.name} scope="col" className="num">
              {s.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {hiddenSizes.map((hidden, i) => (
          <tr key={hidden} data-testid="compare-row">
            <td className="num">{hidden}</td>
            {cells[i].map((value, j) => (
              <td key={series[j].name} className="num">
                {formatMetric(value)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Best first; runs without a value last. */
export function sortByBest(rows: readonly CompareRow[]): CompareRow[] {
  return [...rows].sort((a, b) => (a.best ?? Infinity) - (b.best ?? Infinity) || a.name.localeCompare(b.name));
}

/**
 * The runs behind the chart, best first, one page at a time, each with a
 * checkbox: the form GETs /compare with the ticked runs (and those ticked on
 * other pages) as `runs`, so the overlay is in the URL too.
 */
export function CompareRunsTable({ rows, metric, state }: { rows: CompareRow[]; metric: string; state: CompareUrlState }) {
  if (rows.length === 0) return <p className="muted">No runs in this scope.</p>;
  const sorted = sortByBest(rows);
  const pages = Math.max(1, Math.ceil(sorted.length / COMPARE_PAGE_SIZE));
  const page = Math.min(state.page, pages);
  const shown = sorted.slice((page - 1) * COMPARE_PAGE_SIZE, page * COMPARE_PAGE_SIZE);
  const selected = new Set(state.runs);
  const onPage = new Set(shown.map((row) => row.runId));
  return (
    // Keyed by the selection: React keeps an uncontrolled checkbox's state across a soft navigation, so a new selection needs new inputs.
    <form key={state.runs.join(",")} method="get" action="/compare" data-testid="overlay-form">
      {state.experiment ? <input type="hidden" name="experiment" value={state.experiment} /> : null}
      {state.sweep ? <input type="hidden" name="sweep" value={state.sweep} /> : null}
      <input type="hidden" name="key" value={state.key} />
      {state.runs
        .filter((id) => !onPage.has(id))
        .map((id) => (
          <input key={id} type="hidden" name="runs" value={id} />
        ))}
      <div className="actions">
        <button type="submit" className="primary" data-testid="overlay-submit">
          Overlay ticked runs (up to {MAX_OVERLAY_RUNS})
        </button>
        <Link
          className="button"
          href={compareHref(state, { runs: sorted.slice(0, MAX_OVERLAY_RUNS).map((row) => row.runId), page: 1 })}
          data-testid="overlay-best"
        >
          Overlay the best {Math.min(MAX_OVERLAY_RUNS, sorted.length)}
        </Link>
      </div>
      <table data-testid="compare-runs">
        <thead>
          <tr>
            <th scope="col">Overlay</th>
            <th scope="col">Run</th>
            <th scope="col">Architecture</th>
            <th scope="col" className="num">
              Hidden size
            </th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Best {metric}
            </th>
            <th scope="col" className="num">
              PCA
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.runId} data-testid="compare-run-row">
              <td>
                <input type="checkbox" name="runs" value={row.runId} defaultChecked={selected.has(row.runId)} aria-label={`Overlay ${row.name}`} />
              </td>
              <td className="name">
                <Link href={`/runs/${encodeURIComponent(row.runId)}`}>{row.name}</Link>
              </td>
              <td>{row.architecture}</td>
              <td className="num">{row.hiddenSize ?? "—"}</td>
              <td>
                <StatusBadge status={row.status} />
              </td>
              <td className="num">{formatMetric(row.best)}</td>
              <td className="num">{formatMetric(row.pca)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pagination" aria-label="Compared runs pages" data-testid="compare-pagination">
        {page > 1 ? <Link href={compareHref(state, { page: page - 1 })}>← Previous</Link> : <span className="disabled">← Previous</span>}
        <span>
          {(page - 1) * COMPARE_PAGE_SIZE + 1}–{(page - 1) * COMPARE_PAGE_SIZE + shown.length} of {sorted.length} (page {page} of {pages})
        </span>
        {page < pages ? <Link href={compareHref(state, { page: page + 1 })}>Next →</Link> : <span className="disabled">Next →</span>}
      </nav>
    </form>
  );
}
