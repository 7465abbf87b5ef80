"use client";
/**
 * Per-epoch curves of one run: losses, and validation MSE against the PCA
 * baseline when the run logged one. Polls over tRPC while the run is live.
 */
import type { RunStatus } from "@aelab/tracking";
import { useQuery } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useRouter } from "next/navigation";
import { useEffect, useMemo } from "react";
import { PCA_SERIES_NAME } from "~/lib/compare-series";
import { formatAxisValue, formatMetric } from "~/lib/format";
import { CURVE_KEYS, RUN_CURVE_KEYS, type Curve, type StepWindow } from "~/lib/curves";
import { useTRPC } from "~/trpc/react";
import { EChart, tooltipLine } from "./echart";
import { useCurveZoom } from "./use-curve-zoom";

const LIVE_POLL_MS = 5000;
const { LOSS_KEYS, MSE_KEYS, PCA_KEY } = RUN_CURVE_KEYS;
/** The keys zooming refetches (the PCA baseline is one value at step 0). */
const ZOOM_KEYS = [...LOSS_KEYS, ...MSE_KEYS];

/** The PCA baseline of the run, drawn flat across the steps the MSE curve spans. */
function baselineSeries(all: Curve[]): Curve | null {
  const pca = all.find((s) => s.key === PCA_KEY);
  const value = pca?.values.at(-1);
  const steps = all.filter((s) => MSE_KEYS.includes(s.key)).flatMap((s) => s.steps.slice(0, 1).concat(s.steps.slice(-1)));
  if (!pca || value === undefined || !Number.isFinite(value) || steps.length === 0) return null;
  const span = [Math.min(...steps), Math.max(...steps)];
  return { ...pca, key: PCA_SERIES_NAME, steps: span, values: span.map(() => value), epochIsStep: true };
}

function lastStep(series: Curve[]): number {
  return Math.max(0, ...series.map((s) => s.steps.at(-1) ?? 0));
}

/** A line chart of the curves, with an x-axis dataZoom (wheel/drag inside, slider below) set to `zoom`. */
function curveOption(shown: Curve[], yName: string, extent: StepWindow | null, zoom: StepWindow | null): EChartsOption {
  const xName = shown.every((s) => s.epochIsStep) ? "epoch" : "step";
  const window = zoom ? { startValue: zoom.from, endValue: zoom.to } : { start: 0, end: 100 };
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 48, bottom: 84 },
    dataZoom: [
      { type: "inside", xAxisIndex: 0, filterMode: "none", ...window },
      { type: "slider", xAxisIndex: 0, filterMode: "none", height: 18, bottom: 8, showDetail: false, ...window },
    ],
    legend: { top: 8, data: shown.map((s) => s.key) },
    tooltip: {
      trigger: "item",
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const [epoch, value] = item.value as [number, number];
        return tooltipLine(String(item.marker ?? ""), item.seriesName ?? "", `${xName} ${epoch}: ${formatMetric(value)}`);
      },
    },
    // The axis spans the whole run even when only a window has fine points, so the slider can zoom back out.
    xAxis: { type: "value", name: xName, nameLocation: "middle", nameGap: 28, minInterval: 1, min: extent?.from ?? "dataMin", max: extent?.to ?? "dataMax" },
    yAxis: { type: "value", name: yName, scale: true, axisLabel: { formatter: formatAxisValue } },
    series: shown.map((s) => {
      const baseline = s.key === PCA_SERIES_NAME;
      return {
        type: "line",
        name: s.key,
        showSymbol: !baseline && s.steps.length <= 50,
        // Non-finite values (diverged epochs) become gaps rather than breaking the axis.
        data: s.steps.map((step, i) => [step, Number.isFinite(s.values[i]) ? s.values[i] : "-"]),
        lineStyle: baseline ? { type: "dashed", width: 2, color: "#6b7280" } : { width: 2 },
        itemStyle: baseline ? { color: "#6b7280" } : undefined,
      };
    }),
  };
}

export function RunCurves({ runId, status, initial }: { runId: string; status: RunStatus; initial: Curve[] }) {
  const trpc = useTRPC();
  const live = status === "queued" || status === "running";
  const run = useQuery(trpc.runs.get.queryOptions({ id: runId }, { enabled: live, refetchInterval: LIVE_POLL_MS }));
  const stillLive = live && (run.data === undefined || run.data.status === "queued" || run.data.status === "running");
  const history = useQuery(
    trpc.metrics.curves.queryOptions({ runId, keys: CURVE_KEYS }, { initialData: initial, refetchInterval: stillLive ? LIVE_POLL_MS : false }),
  );
  const { zoom, extent, curves: all, onZoom, fineReady } = useCurveZoom(runId, ZOOM_KEYS, history.data);
  const router = useRouter();
  const { refetch } = history;
  useEffect(() => {
    // The run just ended: fetch its last epochs and re-render the server parts (badge, facts, summary).
    if (live && !stillLive) {
      void refetch();
      router.refresh();
    }
  }, [live, stillLive, refetch, router]);
  const { loss, mse } = useMemo(() => {
    const baseline = baselineSeries(all);
    return {
      loss: all.filter((s) => LOSS_KEYS.includes(s.key)),
      mse: [...all.filter((s) => MSE_KEYS.includes(s.key)), ...(baseline ? [baseline] : [])],
    };
  }, [all]);
  const lossOption = useMemo(() => curveOption(loss, "loss", extent, zoom), [loss, extent, zoom]);
  const mseOption = useMemo(() => curveOption(mse, "val_mse", extent, zoom), [mse, extent, zoom]);

  if (!all.some((s) => [...LOSS_KEYS, ...MSE_KEYS].includes(s.key))) {
    return (
      <p className="muted" data-testid="no-curves">
        No per-epoch metrics logged yet.
      </p>
    );
  }
  return (
    <div
      className="curves"
      data-testid="run-curves"
      data-live={stillLive ? "true" : "false"}
      data-epochs={lastStep(loss)}
      data-zoom={zoom ? `${zoom.from}-${zoom.to}` : "none"}
      data-fine-ready={fineReady ? "true" : "false"}
      data-points={loss[0]?.steps.length ?? 0}
    >
      {stillLive ? <p className="muted">Live: refreshing every {LIVE_POLL_MS / 1000} s.</p> : null}
      <p className="muted" data-testid="curves-note">
        Drag the slider or scroll on a chart to zoom; the server sends the finer points of the window (at most 1,000 a series, spikes kept).
      </p>
      <div className="chart-grid">
        <figure>
          <figcaption>Loss per epoch</figcaption>
          <EChart
            option={lossOption}
            seriesNames={loss.map((s) => s.key)}
            testId="loss-chart"
            label="Training and validation loss per epoch"
            height={340}
            onZoom={onZoom}
          />
        </figure>
        <figure>
          <figcaption>Validation MSE per epoch{mse.some((s) => s.key === PCA_SERIES_NAME) ? " (dashed: PCA baseline)" : ""}</figcaption>
          <EChart option={mseOption} seriesNames={mse.map((s) => s.key)} testId="mse-chart" label="Validation MSE per epoch" height={340} onZoom={onZoom} />
        </figure>
      </div>
    </div>
  );
}
