"use client";
/**
 * Per-epoch curves of one run: losses, and validation MSE against the PCA
 * baseline when the run logged one. Polls over tRPC while the run is live.
 */
import type { RunStatus } from "@aelab/tracking";
import { useQuery } from "@tanstack/react-query";
import type { EChartsOption } from "echarts";
import { useMemo } from "react";
import { formatMetric } from "~/lib/format";
import type { MetricSeries } from "~/server/api/routers/metrics";
import { useTRPC } from "~/trpc/react";
import { EChart, tooltipLine } from "./echart";

const LIVE_POLL_MS = 5000;
const LOSS_KEYS = ["train_loss", "val_loss"];
const MSE_KEYS = ["val_mse"];

function curveOption(all: MetricSeries[], keys: string[], yName: string, baseline?: number): EChartsOption {
  const shown = all.filter((s) => keys.includes(s.key));
  return {
    animation: false,
    grid: { left: 64, right: 24, top: 48, bottom: 48 },
    legend: { top: 8, data: shown.map((s) => s.key) },
    tooltip: {
      trigger: "item",
      formatter: (params) => {
        const item = Array.isArray(params) ? params[0] : params;
        const [epoch, value] = item.value as [number, number];
        return tooltipLine(String(item.marker ?? ""), item.seriesName ?? "", `epoch ${epoch}: ${formatMetric(value)}`);
      },
    },
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 28, minInterval: 1 },
    yAxis: { type: "value", name: yName, scale: true, axisLabel: { formatter: (v: number) => formatMetric(v) } },
    series: shown.map((s, i) => ({
      type: "line",
      name: s.key,
      showSymbol: s.points.length <= 50,
      // Non-finite values (diverged epochs) become gaps rather than breaking the axis.
      data: s.points.map((p) => [p.epoch ?? p.step, Number.isFinite(p.value) ? p.value : "-"]),
      markLine:
        i === 0 && baseline !== undefined && Number.isFinite(baseline)
          ? { symbol: "none", silent: true, lineStyle: { type: "dashed", color: "#6b7280" }, label: { formatter: "PCA" }, data: [{ yAxis: baseline }] }
          : undefined,
    })),
  };
}

function seriesNames(all: MetricSeries[], keys: string[]): string[] {
  return all.filter((s) => keys.includes(s.key)).map((s) => s.key);
}

export function RunCurves({ runId, status, initial }: { runId: string; status: RunStatus; initial: MetricSeries[] }) {
  const trpc = useTRPC();
  const live = status === "queued" || status === "running";
  const run = useQuery(trpc.runs.get.queryOptions({ id: runId }, { enabled: live, refetchInterval: LIVE_POLL_MS }));
  const stillLive = live && (run.data === undefined || run.data.status === "queued" || run.data.status === "running");
  const history = useQuery(
    trpc.metrics.history.queryOptions({ runId }, { initialData: initial, refetchInterval: stillLive ? LIVE_POLL_MS : false }),
  );
  const all = history.data;
  const pca = all.find((s) => s.key === "pca_val_mse")?.points.at(-1)?.value;
  const lossOption = useMemo(() => curveOption(all, LOSS_KEYS, "loss"), [all]);
  const mseOption = useMemo(() => curveOption(all, MSE_KEYS, "val_mse", pca), [all, pca]);

  if (!all.some((s) => [...LOSS_KEYS, ...MSE_KEYS].includes(s.key))) {
    return <p className="muted" data-testid="no-curves">No per-epoch metrics logged yet.</p>;
  }
  return (
    <div className="curves" data-testid="run-curves" data-live={stillLive ? "true" : "false"}>
      {stillLive ? <p className="muted">Live: refreshing every {LIVE_POLL_MS / 1000} s.</p> : null}
      <div className="chart-grid">
        <figure>
          <figcaption>Loss per epoch</figcaption>
          <EChart option={lossOption} seriesNames={seriesNames(all, LOSS_KEYS)} testId="loss-chart" label="Training and validation loss per epoch" height={300} />
        </figure>
        <figure>
          <figcaption>Validation MSE per epoch{pca !== undefined ? " (dashed: PCA baseline)" : ""}</figcaption>
          <EChart option={mseOption} seriesNames={seriesNames(all, MSE_KEYS)} testId="mse-chart" label="Validation MSE per epoch" height={300} />
        </figure>
      </div>
    </div>
  );
}
