/** The tables of the compare page: the pivot beside the chart, and the runs behind it. */
import type { CompareRow } from "@aelab/tracking";
import Link from "next/link";
import { pivotCompareSeries, type CompareSeries } from "~/lib/compare-series";
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

export function CompareRunsTable({ rows, metric }: { rows: CompareRow[]; metric: string }) {
  if (rows.length === 0) return <p className="muted">No runs in this scope.</p>;
  return (
    <table data-testid="compare-runs">
      <thead>
        <tr>
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
        {rows.map((row) => (
          <tr key={row.runId}>
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
  );
}
