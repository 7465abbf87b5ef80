"use client";
/** The code of the current drawing: its values as bars, and its place among the validation codes. */
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { formatAxisValue, formatMetric } from "~/lib/format";
import { projectCode } from "~/lib/playground-math";
import { EChart } from "../echart";

export interface CodeCloud {
  projection: "identity" | "pca";
  explainedVariance?: number[];
  axes?: { mean: number[]; components: number[][] };
  /** Flat [x0, y0, x1, y1, …]. */
  points: number[];
  label: Array<number | null>;
}

export function CodeBars({ code }: { code: Float32Array | null }) {
  const values = useMemo(() => (code ? Array.from(code) : []), [code]);
  const option = useMemo<EChartsOption>(
    () => ({
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: (v) => formatMetric(Number(v)) },
      xAxis: { type: "category", name: "code dimension", nameLocation: "middle", nameGap: 26, data: values.map((_, i) => String(i)) },
      yAxis: { type: "value", scale: false, axisLabel: { formatter: formatAxisValue } },
      series: [{ type: "bar", name: "code", data: values, itemStyle: { color: "#1d4ed8" }, barMaxWidth: 24 }],
    }),
    [values],
  );
  return (
    <div data-testid="code-bars" data-code={JSON.stringify(values)}>
      <EChart option={option} seriesNames={["code"]} testId="code-chart" label={`Code values: ${values.map((v) => v.toFixed(3)).join(", ")}`} height={220} />
    </div>
  );
}

export const SCATTER_PALETTE = ["#1d4ed8", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

/** The cloud's points as one [name, points] series per label, in label order (unlabelled points as "validation"). */
export function groupCodesByLabel(cloud: Pick<CodeCloud, "label" | "points">, classNames: string[] | null): [string, Array<[number, number]>][] {
  const byLabel = new Map<string, Array<[number, number]>>();
  const order = cloud.label.map((_, i) => i).sort((a, b) => (cloud.label[a] ?? -1) - (cloud.label[b] ?? -1));
  for (const i of order) {
    const label = cloud.label[i];
    const name = label === null ? "validation" : (classNames?.[label] ?? String(label));
    const list = byLabel.get(name) ?? [];
    list.push([cloud.points[2 * i], cloud.points[2 * i + 1]]);
    byLabel.set(name, list);
  }
  return [...byLabel.entries()];
}

export function CodeScatter({ cloud, code, classNames }: { cloud: CodeCloud; code: Float32Array | null; classNames: string[] | null }) {
  const mine = useMemo(() => (code ? projectCode(code, cloud.axes) : null), [code, cloud.axes]);
  const groups = useMemo(() => groupCodesByLabel(cloud, classNames), [cloud, classNames]);
  const option = useMemo<EChartsOption>(() => {
    const [first, second] = cloud.explainedVariance ?? [];
    const axisName = (i: 0 | 1) =>
      cloud.projection === "pca" ? `PC${i + 1}${[first, second][i] === undefined ? "" : ` (${(100 * [first, second][i]!).toFixed(0)}%)`}` : `code[${i}]`;
    return {
      animation: false,
      grid: { left: 64, right: 16, top: 40, bottom: 44 },
      legend: { top: 4, type: "scroll" },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", name: axisName(0), nameLocation: "middle", nameGap: 26, scale: true, axisLabel: { formatter: formatAxisValue } },
      yAxis: { type: "value", name: axisName(1), nameLocation: "middle", nameGap: 40, scale: true, axisLabel: { formatter: formatAxisValue } },
      series: [
        ...groups.map(([name, data], i) => ({
          type: "scatter" as const,
          name,
          data,
          symbolSize: 4,
          itemStyle: { color: SCATTER_PALETTE[i % SCATTER_PALETTE.length], opacity: 0.6 },
        })),
        ...(mine
          ? [{ type: "scatter" as const, name: "your drawing", data: [mine], symbol: "diamond", symbolSize: 16, itemStyle: { color: "#111827" }, z: 10 }]
          : []),
      ],
    };
  }, [cloud, groups, mine]);
  return (
    <figure>
      <figcaption>
        Where the drawing lands among {cloud.label.length} validation codes
        {cloud.projection === "pca" ? " (PCA projection of the code)" : ""}
      </figcaption>
      <EChart
        option={option}
        seriesNames={[...groups.map(([name]) => name), ...(mine ? ["your drawing"] : [])]}
        testId="code-scatter"
        label="Scatter of validation codes coloured by label, with the drawing's code"
        height={320}
      />
    </figure>
  );
}
