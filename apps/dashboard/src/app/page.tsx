/**
 * `/`: the runs table. Filters, sort and page live in the URL; the page renders on the server,
 * and the table polls for its page while any run on it is live.
 */
import type { Metadata } from "next";
import { Pagination } from "~/components/pagination";
import { RunsFilters } from "~/components/runs-filters";
import { RunsTable } from "~/components/runs-table";
import { redirect } from "next/navigation";
import { parseRunsUrl, runsHref, sortHrefs, toListRunsInput } from "~/lib/runs-url";
import type { SearchParams } from "~/lib/search-params";
import { getApi } from "~/trpc/server";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Runs" };

export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const state = parseRunsUrl(await searchParams);
  const api = await getApi();
  const scope = { experimentName: state.experiment, sweepId: state.sweep };
  const input = toListRunsInput(state);
  const [tablePage, facets, experiments] = await Promise.all([api.runs.rows(input), api.runs.facets(scope), api.sweeps.experiments()]);
  const { total } = tablePage;
  const lastPage = Math.max(1, Math.ceil(total / state.pageSize));
  if (state.page > lastPage) redirect(runsHref(state, { page: lastPage }));
  // Values selected in the URL stay visible (and can be unticked) even when nothing in scope has them.
  const architectures = [...new Set([...facets.architectures, ...state.architecture])].sort();
  const hiddenSizes = [...new Set([...facets.hiddenSizes, ...state.hiddenSize])].sort((a, b) => a - b);

  return (
    <>
      <h1>Runs</h1>
      <RunsFilters state={state} experiments={experiments} architectures={architectures} hiddenSizes={hiddenSizes} />
      <RunsTable initial={tablePage} input={input} sort={{ sort: state.sort, dir: state.dir, hrefs: sortHrefs(state) }} />
      <Pagination state={state} total={total} />
    </>
  );
}
