"use client";
/**
 * A thin React wrapper around one ECharts instance (SVG renderer, modular
 * imports). The series names are mirrored into `data-series` (a JSON array)
 * and `data-ready` flips once ECharts has finished drawing, for the e2e tests.
 */
import { LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsOption } from "echarts";
import { useEffect, useRef, useState } from "react";

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface EChartProps {
  option: EChartsOption;
  seriesNames: readonly string[];
  testId: string;
  /** Accessible description of what the chart shows. */
  label: string;
  height?: number;
}

export function EChart({ option, seriesNames, testId, label, height = 360 }: EChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: "svg" });
    chart.current = instance;
    instance.on("finished", () => setReady(true));
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
      style={{ height }}
    />
  );
}

/** Tooltip lines built from escaped text: series names are user strings. */
export function tooltipLine(marker: string, name: string, value: string): string {
  return `${marker}${echarts.format.encodeHTML(name)}: <b>${echarts.format.encodeHTML(value)}</b>`;
}
