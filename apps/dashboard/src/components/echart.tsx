"use client";
/**
 * A thin React wrapper around one ECharts instance (SVG renderer, modular
 * imports). The series names are mirrored into `data-series` (a JSON array)
 * and `data-ready` flips once ECharts has finished drawing, for the e2e tests.
 */
import { BarChart, LineChart, ParallelChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsOption } from "echarts";
import { useEffect, useRef, useState } from "react";

echarts.use([
  BarChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  ParallelComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  SVGRenderer,
]);

/** A dataZoom window in axis values (what the user zoomed the x axis to). */
export interface ZoomWindow {
  start: number;
  end: number;
}

export interface EChartProps {
  option: EChartsOption;
  seriesNames: readonly string[];
  testId: string;
  /** Accessible description of what the chart shows. */
  label: string;
  height?: number;
  /** Called with the x-axis value window after the user zooms (debounced by the caller, if needed). */
  onZoom?: (window: ZoomWindow) => void;
}

/** The x-axis [start, end] in values after a dataZoom event, read back from the chart. */
function zoomWindow(instance: echarts.ECharts): ZoomWindow | null {
  const model = instance.getOption() as { dataZoom?: Array<{ startValue?: number; endValue?: number }> };
  const zoom = model.dataZoom?.[0];
  if (typeof zoom?.startValue !== "number" || typeof zoom.endValue !== "number") return null;
  return { start: zoom.startValue, end: zoom.endValue };
}

/** How many data items the instance's series hold. */
function drawnPoints(instance: echarts.ECharts): number {
  const model = instance.getOption() as { series?: Array<{ data?: unknown[] }> };
  return (model.series ?? []).reduce((sum, series) => sum + (Array.isArray(series.data) ? series.data.length : 0), 0);
}

export function EChart({ option, seriesNames, testId, label, height = 360, onZoom }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [ready, setReady] = useState(false);
  // When the first draw finished, in ms since navigation start (for the scale measurement).
  const [readyAt, setReadyAt] = useState<number | null>(null);
  // Data items across the drawn series, read back from the instance (what the e2e tests check was drawn).
  const [points, setPoints] = useState<number | null>(null);
  const zoomHandler = useRef(onZoom);
  useEffect(() => {
    zoomHandler.current = onZoom;
  }, [onZoom]);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: "svg" });
    chart.current = instance;
    instance.on("finished", () => {
      setReady(true);
      setPoints(drawnPoints(instance));
      setReadyAt((at) => at ?? Math.round(performance.now()));
    });
    instance.on("datazoom", () => {
      const window = zoomWindow(instance);
      if (window) zoomHandler.current?.(window);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={container}
      className="chart"
      role="img"
      aria-label={label}
      data-testid={testId}
      data-series={JSON.stringify(seriesNames)}
      data-ready={ready ? "true" : "false"}
      data-ready-at={readyAt ?? undefined}
      data-points={points ?? undefined}
      style={{ height }}
    />
  );
}

/** Tooltip lines built from escaped text: series names are user strings. */
export function tooltipLine(marker: string, name: string, value: string): string {
  return `${marker}${echarts.format.encodeHTML(name)}: <b>${echarts.format.encodeHTML(value)}</b>`;
}
