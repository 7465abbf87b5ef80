"use client";
/**
 * One sweep at a glance: parallel coordinates of every trial's parameters
 * against its metric (pruned trials drawn grey and dashed, with their value so
 * far), and the correlation-based parameter importance of the finished ones.
 */
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { formatMetric } from "~/lib/format";
import { parameterImportance } from "~/lib/param-importance";
import type { SweepTrialRow } from "~/server/api/routers/sweeps";
import { EChart } from "./echart";

const STYLES: Record<string, { color: string; type: "solid" | "dashed"; opacity: number }> = {
  finished: { color: "#2563eb", type: "solid", opacity: 0.45 },
  pruned: { color: "#9ca3af", type: "dashed", opacity: 0.6 },
};

type Axis = { name: string; kind: "category"; values: string[] } | { name: string; kind: "value" | "log" };

function axesOf(trials: SweepTrialRow[]): Axis[] {
  const names = [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  return names.map((name): Axis => {
    const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
    if (!values.every((v) => typeof v === "number")) return { name, kind: "category", values: [...new Set(values.map(String))].sort() };
    const numbers = values as number[];
    const positive = numbers.every((v) => v > 0);
    return { name, kind: positive && Math.max(...numbers) / Math.min(...numbers) >= 20 ? "log" : "value" };
  });
}

export function SweepAnalysis({ trials, metric }: { trials: SweepTrialRow[]; metric: string }) {
  const shown = useMemo(() => trials.filter((t) => t.value !== null && Number.isFinite(t.value)), [trials]);
  const axes = useMemo(() => axesOf(shown), [shown]);
  const statuses = useMemo(
    () => [...new Set(shown.map((t) => (t.status === "pruned" ? "pruned" : t.status === "finished" ? "finished" : t.status)))].sort(),
    [shown],
  );
  const importance = useMemo(
    () => parameterImportance(shown.filter((t) => t.status === "finished").map((t) => ({ params: t.params, value: t.value as number }))),
    [shown],
  );
  const parallel = useMemo<EChartsOption>(
    () => ({
      animation: false,
      legend: { top: 4, data: statuses },
      parallel: { left: 60, right: 90, top: 64, bottom: 32 },
      parallelAxis: [
        ...axes.map((axis, dim) =>
          axis.kind === "category"
            ? { dim, name: axis.name, type: "category" as const, data: axis.values }
            : { dim, name: axis.name, type: axis.kind, scale: true },
        ),
        { dim: axes.length, name: metric, type: "value" as const, scale: true, axisLabel: { formatter: (v: number) => formatMetric(v) } },
      ],
      series: statuses.map((status) => {
        const style = STYLES[status] ?? { color: "#dc2626", type: "solid" as const, opacity: 0.6 };
        return {
          type: "parallel" as const,
          name: status,
          lineStyle: { color: style.color, type: style.type, opacity: style.opacity, width: 1 },
          data: shown
            .filter((t) => (t.status === "pruned" ? "pruned" : t.status === "finished" ? "finished" : t.status) === status)
            .map((t) => [...axes.map((axis) => (axis.kind === "category" ? String(t.params[axis.name]) : (t.params[axis.name] as number))), t.value as number]),
        };
      }),
    }),
    [axes, shown, statuses, metric],
  );
  const counts = Object.fromEntries(statuses.map((s) => [s, shown.filter((t) => t.status === s).length]));
  return (
    <section data-testid="sweep-analysis">
      <h2>Trials: parameters against {metric}</h2>
      <p className="muted" data-testid="sweep-counts">
        {trials.length} trials; drawn: {statuses.map((s) => `${counts[s]} ${s}`).join(", ") || "none"} (pruned trials dashed grey, at their value so far).
      </p>
      <EChart
        option={parallel}
        seriesNames={statuses}
        testId="parallel-chart"
        label={`Parallel coordinates of ${axes.map((a) => a.name).join(", ")} against ${metric}`}
        height={380}
      />
      <h3>Parameter importance</h3>
      <p className="muted">
        Correlation-based, over finished trials: |Spearman ρ| for numeric parameters, the correlation ratio η for categorical ones (both 0–1, not normalised;
        not fANOVA: interactions and U-shaped effects score low).
      </p>
      <table data-testid="importance-table">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Kind</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Bar</th>
          </tr>
        </thead>
        <tbody>
          {importance.map((row) => (
            <tr key={row.param} data-testid="importance-row" data-param={row.param}>
              <td>{row.param}</td>
              <td>{row.kind === "numeric" ? "|ρ|" : "η"}</td>
              <td className="num">{row.score.toFixed(2)}</td>
              <td>
                <span className="bar" style={{ display: "inline-block", height: 10, width: `${Math.round(row.score * 200)}px`, background: "#2563eb" }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
