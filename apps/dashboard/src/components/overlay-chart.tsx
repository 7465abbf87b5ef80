"use client";
/**
 * Overlaid learning curves of the selected runs: one downsampled series per run
 * (metrics.overlay splits about 6,000 points between the series), fetched on
 * the server for the first paint; zooming fetches the window's finer points
 * (the window is kept in the URL as on the run page).
 */
import { useQuery } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import type { Curve } from "~/lib/curves";
import { formatAxisValue, formatMetric } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { EChart, tooltipLine } from "./echart";
import { useOverlayZoom } from "./use-curve-zoom";

export interface OverlayChartProps {
  runIds: string[];
  /** Display name per run id (names may repeat; ids are shown where they do). */
  names: Record<string, string>;
  metricKey: string;
  initial: Curve[];
}

export function OverlayChart({ runIds, names, metricKey, initial }: OverlayChartProps) {
  const trpc = useTRPC();
  const overlay = useQuery(trpc.metrics.overlay.queryOptions({ runIds, keys: [metricKey] }, { initialData: initial, staleTime: 60_000 }));
  const { zoom, extent, onZoom, curves, fineReady } = useOverlayZoom(runIds, metricKey, overlay.data);
  const labels = useMemo(() => {
    const counts = new Map<string, number>();
    for (const c of curves) counts.set(names[c.runId] ?? c.runId, (counts.get(names[c.runId] ?? c.runId) ?? 0) + 1);
    return curves.map((c) => {
      const name = names[c.runId] ?? c.runId.slice(0, 8);
      return (counts.get(name) ?? 0) > 1 ? `${name} (${c.runId.slice(-6)})` : name;
    });
  }, [curves, names]);
  const option = useMemo<EChartsOption>(
    () => ({
      animation: false,
      grid: { left: 64, right: 24, top: 72, bottom: 84 },
      legend: { top: 8, type: "scroll", data: labels },
      tooltip: {
        trigger: "item",
        formatter: (params) => {
          const item = Array.isArray(params) ? params[0] : params;
          const [step, value] = item.value as [number, number];
          return tooltipLine(String(item.marker ?? ""), item.seriesName ?? "", `step ${step}: ${formatMetric(value)}`);
        },
      },
      dataZoom: [
        { type: "inside", xAxisIndex: 0, filterMode: "none", ...(zoom ? { startValue: zoom.from, endValue: zoom.to } : {}) },
        {
          type: "slider",
          xAxisIndex: 0,
          filterMode: "none",
          height: 18,
          bottom: 8,
          showDetail: false,
          ...(zoom ? { startValue: zoom.from, endValue: zoom.to } : {}),
        },
      ],
      // The whole runs' extent even when only the window has fine points, so one can zoom back out.
      xAxis: { type: "value", name: "step", nameLocation: "middle", nameGap: 28, min: extent?.from ?? "dataMin", max: extent?.to ?? "dataMax" },
      yAxis: { type: "value", name: metricKey, scale: true, axisLabel: { formatter: formatAxisValue } },
      series: curves.map((c, i) => ({
        type: "line",
        name: labels[i],
        showSymbol: false,
        data: c.steps.map((step, j) => [step, Number.isFinite(c.values[j]) ? c.values[j] : "-"]),
        lineStyle: { width: 1.5 },
      })),
    }),
    [curves, labels, metricKey, zoom, extent],
  );
  return (
    <div data-testid="overlay-zoom" data-zoom={zoom ? `${zoom.from}-${zoom.to}` : "none"} data-fine-ready={fineReady ? "true" : "false"}>
      <EChart
        option={option}
        seriesNames={labels}
        testId="overlay-chart"
        label={`${metricKey} per step for ${labels.length} selected runs`}
        height={420}
        onZoom={onZoom}
      />
    </div>
  );
}
