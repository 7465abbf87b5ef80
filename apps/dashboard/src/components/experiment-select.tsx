/** The experiment picker shared by the runs and compare filters (a plain GET form field). */
import type { ExperimentRecord } from "@aelab/tracking";

export function ExperimentSelect({ experiments, value }: { experiments: ExperimentRecord[]; value: string | undefined }) {
  return (
    <fieldset>
      <legend>Experiment</legend>
      <select name="experiment" defaultValue={value ?? ""} aria-label="Experiment">
        <option value="">All experiments</option>
        {experiments.map((experiment) => (
          <option key={experiment.id} value={experiment.name}>
            {experiment.name}
          </option>
        ))}
      </select>
    </fieldset>
  );
}
