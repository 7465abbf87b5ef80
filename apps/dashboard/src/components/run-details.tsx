/** Server-rendered sections of the run page. Values are user data: always React text. */
import type { ArtifactRecord, MetricSummary, ParamValue, RunRecord } from "@aelab/tracking";
import Link from "next/link";
import type { ReactNode } from "react";
import { buildHref } from "~/lib/search-params";
import { formatBytes, formatDate, formatDuration, formatMetric } from "~/lib/format";
import { bestValMse, epochsOf } from "~/lib/run-view";

export function RunFacts({ run }: { run: RunRecord }) {
  const facts: Array<[string, ReactNode]> = [
    ["Id", run.id],
    [
      "Experiment",
      <Link key="e" href={buildHref("/", { experiment: run.experimentName })}>
        {run.experimentName}
      </Link>,
    ],
    [
      "Sweep",
      run.sweepId ? (
        <Link key="s" href={buildHref("/compare", { sweep: run.sweepId })}>
          {run.sweepId} (compare)
        </Link>
      ) : (
        "—"
      ),
    ],
    ["Architecture", run.architecture],
    ["Hidden size", run.hiddenSize === null ? "—" : String(run.hiddenSize)],
    ["Backend", run.backend ?? "—"],
    ["Best val_mse", formatMetric(bestValMse(run))],
    ["Epochs", String(epochsOf(run) ?? "—")],
    ["Seed", run.seed === null ? "—" : String(run.seed)],
    ["Host", run.host ?? "—"],
    ["Started", formatDate(run.startedAt)],
    ["Ended", formatDate(run.endedAt)],
    ["Duration", formatDuration(run.startedAt, run.endedAt)],
    ["Last heartbeat", formatDate(run.heartbeatAt)],
  ];
  return (
    <dl className="facts" data-testid="run-facts">
      {facts.map(([label, value]) => (
        <div key={label} style={{ display: "contents" }}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function RunSummaryTable({ summary }: { summary: Record<string, MetricSummary> }) {
  const keys = Object.keys(summary).sort();
  if (keys.length === 0) return <p className="muted">No metrics logged.</p>;
  return (
    <table data-testid="run-summary">
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col" className="num">
            Latest
          </th>
          <th scope="col" className="num">
            Min
          </th>
          <th scope="col" className="num">
            Max
          </th>
          <th scope="col" className="num">
            Step
          </th>
        </tr>
      </thead>
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <td>{key}</td>
            <td className="num">{formatMetric(summary[key].latest)}</td>
            <td className="num">{formatMetric(summary[key].min)}</td>
            <td className="num">{formatMetric(summary[key].max)}</td>
            <td className="num">{summary[key].step}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunKeyValues({ values, testId }: { values: Record<string, ParamValue>; testId: string }) {
  const keys = Object.keys(values).sort();
  if (keys.length === 0)
    return (
      <p className="muted" data-testid={testId}>
        None.
      </p>
    );
  return (
    <table data-testid={testId}>
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>{String(values[key])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunArtifacts({ artifacts }: { artifacts: ArtifactRecord[] }) {
  if (artifacts.length === 0)
    return (
      <p className="muted" data-testid="run-artifacts">
        No artifacts.
      </p>
    );
  return (
    <table data-testid="run-artifacts">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">Path</th>
          <th scope="col" className="num">
            Size
          </th>
          <th scope="col">SHA-256</th>
          <th scope="col">Logged</th>
        </tr>
      </thead>
      <tbody>
        {artifacts.map((artifact) => (
          <tr key={artifact.id} data-testid="artifact-row">
            <td>{artifact.kind}</td>
            <td className="name">
              <code>{artifact.path}</code>
            </td>
            <td className="num">{formatBytes(artifact.bytes)}</td>
            <td>
              <code title={artifact.sha256}>{artifact.sha256.slice(0, 12)}</code>
            </td>
            <td>{formatDate(artifact.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
