/**
 * `/compare`: best validation MSE against hidden size, one line per architecture
 * plus the PCA baseline, with the same numbers in a table beside the chart.
 */
import type { Metadata } from "next";
import Link from "next/link";
import { CompareChart } from "~/components/compare-chart";
import { ExperimentSelect } from "~/components/experiment-select";
import { ComparePivotTable, CompareRunsTable } from "~/components/compare-tables";
import { OverlayChart } from "~/components/overlay-chart";
import { SweepAnalysis } from "~/components/sweep-analysis";
import { buildCompareSeries } from "~/lib/compare-series";
import { compareHref, OVERLAY_KEYS, parseCompareUrl } from "~/lib/compare-url";
import type { SearchParams } from "~/lib/search-params";
import { getApi } from "~/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Compare" };

/** The validation MSE of each run's saved weights (its best epoch by validation loss). */
const METRIC = "best_val_mse";
const PCA_METRIC = "pca_val_mse";
/** How the metric is named on the page: "best val_mse" reads right for the best epoch's value. */
const LABEL = "val_mse";

export default async function ComparePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseCompareUrl(await searchParams);
  const { experiment: experimentName, sweep: sweepId } = state;
  const api = await getApi();
  const [rows, experiments, sweeps, overlay, sweepTrials] = await Promise.all([
    api.metrics.compare({ experimentName, sweepId, metric: METRIC, pcaMetric: PCA_METRIC }),
    api.sweeps.experiments(),
    api.sweeps.list({ experimentName }),
    state.runs.length ? api.metrics.overlay({ runIds: state.runs, keys: [state.key] }) : Promise.resolve([]),
    sweepId ? api.sweeps.trials({ sweepId }).catch(() => null) : Promise.resolve(null),
  ]);
  const series = buildCompareSeries(rows);
  const names = Object.fromEntries(rows.filter((row) => state.runs.includes(row.runId)).map((row) => [row.runId, row.name]));

  return (
    <>
      <h1>Compare: best {LABEL} by hidden size</h1>
      <form className="filters" method="get" action="/compare" data-testid="compare-filters">
        <ExperimentSelect experiments={experiments} value={experimentName} />
        <fieldset>
          <legend>Sweep</legend>
          <select name="sweep" defaultValue={sweepId ?? ""} aria-label="Sweep">
            <option value="">All sweeps</option>
            {sweeps.map((sweep) => (
              <option key={sweep.id} value={sweep.id}>
                {sweep.name} ({sweep.status})
              </option>
            ))}
          </select>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary">
            Apply
          </button>
          <Link className="button" href="/compare">
            Clear
          </Link>
        </div>
      </form>

      {series.length === 0 ? (
        <p className="muted" data-testid="compare-empty">
          No runs with a hidden size and a logged {METRIC} in this scope.
        </p>
      ) : (
        <div className="compare-layout">
          <CompareChart series={series} metric={LABEL} />
          <ComparePivotTable series={series} />
        </div>
      )}

      {sweepTrials ? <SweepAnalysis trials={sweepTrials.trials} metric={sweepTrials.metric} /> : null}

      {state.runs.length ? (
        <section data-testid="overlay">
          <h2>
            {state.key} of {state.runs.length} selected run{state.runs.length === 1 ? "" : "s"}
          </h2>
          <nav className="run-links" aria-label="Overlaid metric">
            {OVERLAY_KEYS.map((key) =>
              key === state.key ? (
                <strong key={key}>{key}</strong>
              ) : (
                <Link key={key} href={compareHref(state, { key })}>
                  {key}
                </Link>
              ),
            )}
            <Link href={compareHref(state, { runs: [] })}>Clear the overlay</Link>
          </nav>
          <OverlayChart runIds={state.runs} names={names} metricKey={state.key} initial={overlay} />
        </section>
      ) : null}

      <h2>Runs compared</h2>
      <CompareRunsTable rows={rows} metric={LABEL} state={state} />
    </>
  );
}
