"use client";
/** Hidden size (log2 x) against the best validation metric: one line per architecture, dashed PCA. */
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import type { CompareSeries } from "~/lib/compare-series";
import { formatAxisValue, formatMetric } from "~/lib/format";
import { EChart, tooltipLine } from "./echart";

export function CompareChart({ series, metric }: { series: CompareSeries[]; metric: string }) {
  const names = useMemo(() => series.map((s) => s.name), [series]);
  const option = useMemo<EChartsOption>(
    () => ({
      animation: false,
      grid: { left: 64, right: 24, top: 48, bottom: 56 },
      legend: { top: 8, data: names },
      tooltip: {
        trigger: "item",
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const [hidden, value] = item.value as [number, number];
          return tooltipLine(String(item.marker ?? ""), item.seriesName ?? "", `hidden ${hidden}: ${formatMetric(value)}`);
        },
      },
      xAxis: { type: "log", logBase: 2, name: "hidden size", nameLocation: "middle", nameGap: 32 },
      yAxis: { type: "value", name: `best ${metric}`, scale: true, axisLabel: { formatter: formatAxisValue } },
      series: series.map((s) => ({
        type: "line",
        name: s.name,
        data: s.points,
        symbolSize: s.kind === "pca" ? 4 : 8,
        lineStyle: s.kind === "pca" ? { type: "dashed", width: 2, color: "#6b7280" } : { width: 2 },
        itemStyle: s.kind === "pca" ? { color: "#6b7280" } : undefined,
        z: s.kind === "pca" ? 1 : 2,
      })),
    }),
    [series, names, metric],
  );
  return (
    <EChart option={option} seriesNames={names} testId="compare-chart" label={`Best ${metric} against hidden size for ${names.join(", ")}`} height={420} />
  );
}
