/**
 * Filter controls for the runs page: a plain GET form, so the state lands in
 * the URL and the page works without JavaScript.
 */
import { RUN_STATUSES, type ExperimentRecord } from "@aelab/tracking";
import Link from "next/link";
import { ExperimentSelect } from "~/components/experiment-select";
import { runsHref, type RunsUrlState } from "~/lib/runs-url";

export interface RunsFiltersProps {
  state: RunsUrlState;
  experiments: ExperimentRecord[];
  architectures: string[];
  hiddenSizes: number[];
}

export function RunsFilters({ state, experiments, architectures, hiddenSizes }: RunsFiltersProps) {
  return (
    <form className="filters" method="get" action="/" data-testid="runs-filters">
      <ExperimentSelect experiments={experiments} value={state.experiment} />
      <fieldset>
        <legend>Status</legend>
        {RUN_STATUSES.map((status) => (
          <label key={status}>
            <input type="checkbox" name="status" value={status} defaultChecked={state.status.includes(status)} />
            {status}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Architecture</legend>
        {architectures.map((architecture) => (
          <label key={architecture}>
            <input type="checkbox" name="arch" value={architecture} defaultChecked={state.architecture.includes(architecture)} />
            {architecture}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Hidden size</legend>
        {hiddenSizes.map((size) => (
          <label key={size}>
            <input type="checkbox" name="hidden" value={size} defaultChecked={state.hiddenSize.includes(size)} />
            {size}
          </label>
        ))}
      </fieldset>
      {state.sweep ? <input type="hidden" name="sweep" value={state.sweep} /> : null}
      {state.sort !== "startedAt" ? <input type="hidden" name="sort" value={state.sort} /> : null}
      <input type="hidden" name="dir" value={state.dir} />
      <input type="hidden" name="pageSize" value={state.pageSize} />
      <div className="actions">
        <button type="submit" className="primary" data-testid="apply-filters">
          Apply
        </button>
        <Link className="button" href={runsHref({ ...state, status: [], architecture: [], hiddenSize: [], experiment: undefined, sweep: undefined, page: 1 })}>
          Clear
        </Link>
      </div>
    </form>
  );
}
