/** The run page's model views: linear-probe accuracy and the ONNX downloads with their parity figures. */
import type { MetricSummary } from "@aelab/tracking";
import Link from "next/link";
import { Fragment } from "react";
import type { OnnxExport } from "~/server/api/routers/models";
import { formatBytes } from "~/lib/format";

const PROBES = [
  { key: "val_probe_accuracy", label: "validation", testId: "probe-accuracy" },
  { key: "test_probe_accuracy", label: "test", testId: "probe-accuracy-test" },
  { key: "pca_val_probe_accuracy", label: "PCA baseline (validation, same code size)", testId: "probe-baseline" },
] as const;

/** Accuracies as percentages with one decimal; the raw value stays in `data-value`. */
function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

export function ProbeAccuracy({ summary }: { summary: Record<string, MetricSummary> }) {
  const rows = PROBES.flatMap((probe) => {
    const value = summary[probe.key]?.latest;
    return value === undefined ? [] : [{ ...probe, value }];
  });
  if (!rows.some((row) => row.key === "val_probe_accuracy")) {
    return (
      <p className="muted" data-testid="no-probe">
        No linear-probe accuracy recorded: the data has no labels, or the run did not finish its final evaluation.
      </p>
    );
  }
  return (
    <>
      <p className="muted">A logistic-regression probe fitted on training codes, scored on held-out codes: how linearly the code separates the labels.</p>
      <dl className="facts">
        {rows.map((row) => (
          <Fragment key={row.key}>
            <dt>{row.label}</dt>
            <dd data-testid={row.testId} data-value={row.value} className="num">
              {percent(row.value)}
            </dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}

export function OnnxDownloads({ runId, exports, exportCommand }: { runId: string; exports: OnnxExport[]; exportCommand: string }) {
  const playground = `/playground?run=${encodeURIComponent(runId)}`;
  if (exports.length === 0) {
    return (
      <>
        <p className="muted" data-testid="no-export">
          Not exported to ONNX yet. Export it with <code>{exportCommand}</code> (add <code>full</code> to the parts for the whole model); the playground needs
          the encoder and decoder.
        </p>
        <p>
          <Link href={playground}>Open in the playground</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <p className="muted">Parity: the largest |ONNX Runtime − training backend| difference the export measured on validation samples.</p>
      <table data-testid="onnx-downloads">
        <thead>
          <tr>
            <th>part</th>
            <th className="num">size</th>
            <th className="num">parity</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {exports.map((file) => (
            <tr key={file.artifactId} data-testid="onnx-row" data-part={file.part}>
              <td>{file.part}</td>
              <td className="num">{formatBytes(file.bytes)}</td>
              <td className="num" data-testid="onnx-parity" data-value={file.parity ?? undefined}>
                {file.parity === null ? "not recorded" : file.parity.toExponential(2)}
              </td>
              <td>
                <a className="button" href={file.href} download data-testid="onnx-download">
                  {`Download ${file.part}.onnx`}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <Link href={playground} data-testid="playground-link-model">
          Try it in the playground
        </Link>
      </p>
    </>
  );
}
