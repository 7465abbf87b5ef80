/**
 * The explicit select for a run and its mapping to the public `RunRecord`.
 * Nothing Prisma-typed leaves this package.
 */
import type { Prisma } from "../generated/sqlite/client.ts";
import type { MetricSummary, ParamValue, RunRecord, RunStatus } from "../tracker.ts";
import { fromJsonText } from "./json-value.ts";
import { decodeNumber } from "./number-codec.ts";
import { decodeParam } from "./param-codec.ts";

export const summarySelect = {
  key: true,
  latestValue: true,
  latestKind: true,
  latestStep: true,
  minValue: true,
  minKind: true,
  maxValue: true,
  maxKind: true,
  count: true,
} satisfies Prisma.MetricSummarySelect;

export const runSelect = {
  id: true,
  name: true,
  experimentId: true,
  sweepId: true,
  status: true,
  backend: true,
  architecture: true,
  hiddenSize: true,
  spec: true,
  seed: true,
  split: true,
  host: true,
  startedAt: true,
  endedAt: true,
  heartbeatAt: true,
  error: true,
  trialIndex: true,
  experiment: { select: { name: true } },
  params: { select: { key: true, type: true, value: true } },
  tags: { select: { key: true, value: true } },
  summaries: { select: summarySelect },
} satisfies Prisma.RunSelect;

type RunRow = Prisma.RunGetPayload<{ select: typeof runSelect }>;
type SummaryRow = Prisma.MetricSummaryGetPayload<{
  select: typeof summarySelect;
}>;

export function toMetricSummary(row: SummaryRow): MetricSummary {
  return {
    latest: decodeNumber(row.latestValue, row.latestKind),
    min: decodeNumber(row.minValue, row.minKind),
    max: decodeNumber(row.maxValue, row.maxKind),
    step: row.latestStep,
    count: row.count,
  };
}

export function toRunRecord(row: RunRow): RunRecord {
  const params: Record<string, ParamValue> = {};
  for (const p of row.params) params[p.key] = decodeParam(p.type, p.value);
  const tags: Record<string, string> = {};
  for (const t of row.tags) tags[t.key] = t.value;
  const summary: Record<string, MetricSummary> = {};
  for (const s of row.summaries) summary[s.key] = toMetricSummary(s);
  return {
    id: row.id,
    name: row.name,
    experimentId: row.experimentId,
    experimentName: row.experiment.name,
    sweepId: row.sweepId,
    status: row.status as RunStatus,
    backend: row.backend,
    architecture: row.architecture,
    hiddenSize: row.hiddenSize,
    spec: fromJsonText(row.spec),
    seed: row.seed === null ? null : Number(row.seed),
    split: row.split === null ? null : fromJsonText(row.split),
    host: row.host,
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    heartbeatAt: row.heartbeatAt,
    error: row.error,
    trialIndex: row.trialIndex,
    params,
    tags,
    summary,
  };
}
