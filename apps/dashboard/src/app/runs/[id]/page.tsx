/** `/runs/[id]`: one run's curves, facts, params, tags, spec and artifacts. */
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { RunArtifacts, RunFacts, RunKeyValues, RunSummaryTable } from "~/components/run-details";
import { RunCurves } from "~/components/run-curves";
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

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const run = await loadRun((await params).id);
  return { title: run.name };
}

export default async function RunPage({ params }: Props) {
  const { id } = await params;
  const run = await loadRun(id);
  const api = await getApi();
  const [history, artifacts] = await Promise.all([api.metrics.curves({ runId: run.id, keys: CURVE_KEYS }), api.runs.artifacts({ id: run.id })]);

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
