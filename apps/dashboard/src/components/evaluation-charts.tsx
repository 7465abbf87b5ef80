"use client";
/** The run page's evaluation charts: the per-sample error histogram and the 2-D code scatter coloured by label. */
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { formatAxisValue, formatMetric } from "~/lib/format";
import { EChart } from "./echart";
import { SCATTER_PALETTE, groupCodesByLabel, type CodeCloud } from "./playground/code-charts";

export interface HistogramData {
  edges: number[];
  counts: number[];
}

export function ErrorHistogramChart({ histogram }: { histogram: HistogramData }) {
  const option = useMemo<EChartsOption>(() => {
    const { edges, counts } = histogram;
    const labels = counts.map((_, i) => `${formatMetric(edges[i])}–${formatMetric(edges[i + 1])}`);
    return {
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 48 },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "category",
        name: "per-sample MSE",
        nameLocation: "middle",
        nameGap: 30,
        data: labels,
        axisLabel: { formatter: (_: string, i: number) => formatAxisValue(edges[i]) },
      },
      yAxis: { type: "value", name: "samples", minInterval: 1 },
      series: [{ type: "bar", name: "samples", data: counts, itemStyle: { color: "#1d4ed8" }, barCategoryGap: "8%" }],
    };
  }, [histogram]);
  return <EChart option={option} seriesNames={["samples"]} testId="error-histogram" label="Histogram of per-sample reconstruction errors" height={260} />;
}

/** Axis names: the code's own coordinates, or the principal components with their share of the variance. */
export function scatterAxisName(cloud: Pick<CodeCloud, "projection" | "explainedVariance">, axis: 0 | 1): string {
  if (cloud.projection === "identity") return `code[${axis}]`;
  const share = cloud.explainedVariance?.[axis];
  return `PC${axis + 1}${share === undefined ? "" : ` (${(100 * share).toFixed(1)}% of variance)`}`;
}

export function RunCodeScatter({ cloud, classNames }: { cloud: CodeCloud; classNames: string[] | null }) {
  const groups = useMemo(() => groupCodesByLabel(cloud, classNames), [cloud, classNames]);
  const option = useMemo<EChartsOption>(
    () => ({
      animation: false,
      grid: { left: 64, right: 16, top: 40, bottom: 44 },
      legend: { top: 4, type: "scroll" },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", name: scatterAxisName(cloud, 0), nameLocation: "middle", nameGap: 26, scale: true, axisLabel: { formatter: formatAxisValue } },
      yAxis: { type: "value", name: scatterAxisName(cloud, 1), nameLocation: "middle", nameGap: 44, scale: true, axisLabel: { formatter: formatAxisValue } },
      series: groups.map(([name, data], i) => ({
        type: "scatter" as const,
        name,
        data,
        // Bigger dots when few: a 100-sample validation split should still read at a glance.
        symbolSize: cloud.label.length <= 500 ? 7 : 4,
        itemStyle: { color: SCATTER_PALETTE[i % SCATTER_PALETTE.length], opacity: 0.7 },
      })),
    }),
    [cloud, groups],
  );
  return (
    <EChart
      option={option}
      seriesNames={groups.map(([name]) => name)}
      testId="run-code-scatter"
      label={`Scatter of ${cloud.label.length} validation codes coloured by label`}
      height={360}
    />
  );
}
