/**
 * `/runs/[id]`: one run's curves; its reconstructions, error histogram and code
 * scatter (from the evaluation artifact); linear-probe accuracy; ONNX downloads;
 * facts, params, tags, spec and artifacts.
 */
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { RunArtifacts, RunFacts, RunKeyValues, RunSummaryTable } from "~/components/run-details";
import { RunCurves } from "~/components/run-curves";
import { CodeScatterSection, ErrorHistogramSection, ReconstructionGrid, type EvaluationState } from "~/components/run-evaluation";
import { OnnxDownloads, ProbeAccuracy } from "~/components/run-model";
import { CURVE_KEYS } from "~/lib/curves";
import { StatusBadge } from "~/components/status-badge";
import { getApi } from "~/trpc/server";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

/** The run, or Next's 404 page when the router says NOT_FOUND. Cached per request. */
const loadRun = cache(async (id: string) => {
  const api = await getApi();
  try {
    return await api.runs.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
});

/** The run's evaluation, or why there is none to show (a missing artifact, or one that no longer reads). */
async function loadEvaluation(id: string): Promise<EvaluationState> {
  const api = await getApi();
  try {
    const evaluation = await api.models.evaluation({ id });
    return evaluation ? { kind: "ready", evaluation } : { kind: "missing" };
  } catch (error) {
    if (error instanceof TRPCError) return { kind: "unreadable", message: error.message };
    throw error;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const run = await loadRun((await params).id);
  return { title: run.name };
}

export default async function RunPage({ params }: Props) {
  const { id } = await params;
  const run = await loadRun(id);
  const api = await getApi();
  const [history, artifacts, evaluation, exports] = await Promise.all([
    api.metrics.curves({ runId: run.id, keys: CURVE_KEYS }),
    api.runs.artifacts({ id: run.id }),
    loadEvaluation(run.id),
    api.models.exports({ id: run.id }),
  ]);

  return (
    <article data-testid="run-page" data-run-id={run.id}>
      <h1>
        <span data-testid="run-name">{run.name}</span> <StatusBadge status={run.status} />
      </h1>
      <nav className="run-links" aria-label="Run">
        <Link href={`/playground?run=${encodeURIComponent(run.id)}`} data-testid="playground-link">
          Open in the playground
        </Link>
      </nav>
      {run.error ? (
        <p className="error-box" data-testid="run-error">
          {run.error}
        </p>
      ) : null}
      <RunCurves runId={run.id} status={run.status} initial={history} />
      <section data-testid="reconstructions">
        <h2>Originals and reconstructions</h2>
        <ReconstructionGrid state={evaluation} />
      </section>
      <div className="columns">
        <section data-testid="error-section">
          <h2>Per-sample reconstruction error</h2>
          <ErrorHistogramSection state={evaluation} />
        </section>
        <section data-testid="code-section">
          <h2>Codes</h2>
          <CodeScatterSection state={evaluation} />
        </section>
      </div>
      <div className="columns">
        <section data-testid="probe-section">
          <h2>Linear probe</h2>
          <ProbeAccuracy summary={run.summary} />
        </section>
        <section data-testid="onnx-section">
          <h2>ONNX</h2>
          <OnnxDownloads runId={run.id} exports={exports.onnx} exportCommand={exports.exportCommand} />
        </section>
      </div>
      <div className="columns">
        <section>
          <h2>Run</h2>
          <RunFacts run={run} />
        </section>
        <section>
          <h2>Metrics</h2>
          <RunSummaryTable summary={run.summary} />
        </section>
      </div>
      <div className="columns">
        <section>
          <h2>Params</h2>
          <RunKeyValues values={run.params} testId="run-params" />
        </section>
        <section>
          <h2>Tags</h2>
          <RunKeyValues values={run.tags} testId="run-tags" />
        </section>
      </div>
      <section>
        <h2>Artifacts</h2>
        <RunArtifacts artifacts={artifacts} />
      </section>
      <section>
        <h2>Spec</h2>
        <pre data-testid="run-spec">{JSON.stringify(run.spec, null, 2)}</pre>
      </section>
      {run.split !== null && run.split !== undefined ? (
        <section>
          <h2>Split</h2>
          <pre data-testid="run-split">{JSON.stringify(run.split, null, 2)}</pre>
        </section>
      ) : null}
    </article>
  );
}
