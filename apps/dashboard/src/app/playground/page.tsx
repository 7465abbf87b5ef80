/**
 * `/playground?run=<id>&digit=<validation index>`: draw a digit and watch the
 * run's exported encoder and decoder reconstruct it in the browser. Without a
 * `run`, the newest run with an exported encoder and decoder.
 */
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { Playground } from "~/components/playground/playground";
import { firstValue, type SearchParams } from "~/lib/search-params";
import { exportCommand } from "~/server/api/routers/models";
import { getApi } from "~/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Playground" };

function digitParam(params: SearchParams): number | null {
  const value = firstValue(params, "digit");
  return value !== undefined && /^\d{1,7}$/.test(value) ? Number(value) : null;
}

async function loadPlayground(id: string) {
  const api = await getApi();
  try {
    return await api.models.playground({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
}

export default async function PlaygroundPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const api = await getApi();
  const exported = await api.models.exportedRuns();
  const runId = firstValue(params, "run") ?? exported[0]?.id;
  if (!runId) {
    return (
      <>
        <h1>Playground</h1>
        <div data-testid="playground-no-export">
          <p>No run has an exported encoder and decoder yet. Export one from the command line, then come back:</p>
          <pre>{exportCommand("<run id>")}</pre>
          <p>
            Run ids are on the <Link href="/">runs page</Link>.
          </p>
        </div>
      </>
    );
  }
  const data = await loadPlayground(runId);
  const choices = exported.some((run) => run.id === data.run.id) ? exported : [data.run, ...exported];

  return (
    <>
      <h1>
        Playground: <span data-testid="playground-run-name">{data.run.name}</span>
      </h1>
      <form className="filters" method="get" action="/playground" data-testid="playground-run-picker">
        <fieldset>
          <legend>Run</legend>
          <select name="run" defaultValue={data.run.id} aria-label="Run">
            {choices.map((run) => (
              <option key={run.id} value={run.id}>
                {run.name} ({run.architecture}
                {run.hiddenSize === null ? "" : `, h${run.hiddenSize}`})
              </option>
            ))}
          </select>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary">
            Load
          </button>
          <Link className="button" href={`/runs/${encodeURIComponent(data.run.id)}`}>
            Run page
          </Link>
        </div>
      </form>
      {data.encoder && data.decoder ? (
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Playground
            key={data.run.id}
            runId={data.run.id}
            encoderHref={data.encoder.href}
            decoderHref={data.decoder.href}
            samples={data.samples}
            codes={data.codes}
            initialDigit={digitParam(params)}
          />
        </Suspense>
      ) : (
        <div data-testid="playground-no-export">
          <p>
            This run has no exported {data.encoder ? "decoder" : data.decoder ? "encoder" : "encoder and decoder"}, so there is nothing to run in the browser.
            Export them with:
          </p>
          <pre data-testid="export-command">{data.exportCommand}</pre>
        </div>
      )}
    </>
  );
}
