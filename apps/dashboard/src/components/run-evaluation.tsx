/**
 * The run page's autoencoder views from the `evaluation` artifact (server
 * rendered): originals against reconstructions as inline PNGs, the per-sample
 * error histogram and the code scatter (client charts fed with the binned and
 * projected data only).
 */
import type { RunEvaluation } from "~/server/evaluation";
import { pngDataUrl } from "~/server/png";
import { float32FromBase64 } from "~/lib/float32-base64";
import { formatMetric } from "~/lib/format";
import { meanSquaredError } from "~/lib/playground-math";
import { imageLayout, sampleImages } from "~/lib/sample-images";
import { ErrorHistogramChart, RunCodeScatter } from "./evaluation-charts";

/** What the page got when it asked for the run's evaluation. */
export type EvaluationState = { kind: "ready"; evaluation: RunEvaluation } | { kind: "missing" } | { kind: "unreadable"; message: string };

const IMAGE_SIZE = 56;

function Missing({ state, what }: { state: Exclude<EvaluationState, { kind: "ready" }>; what: string }) {
  return (
    <p className="muted" data-testid="no-evaluation">
      {state.kind === "missing"
        ? `No ${what} yet: this run has no evaluation artifact (the trainer records one when a run finishes; runs that failed or were trained before it existed have none).`
        : `No ${what}: the run's evaluation artifact could not be read. ${state.message}`}
    </p>
  );
}

function labelName(label: number | null, classNames: string[] | undefined): string {
  return label === null ? "unlabelled" : (classNames?.[label] ?? String(label));
}

export function ReconstructionGrid({ state }: { state: EvaluationState }) {
  if (state.kind !== "ready") return <Missing state={state} what="reconstructions" />;
  const { evaluation } = state;
  const layout = imageLayout(evaluation.inputShape);
  if (!layout) {
    return (
      <p className="muted" data-testid="no-reconstruction-images">
        {`Samples shaped [${evaluation.inputShape.join(", ")}] are not images, so no reconstructions are drawn.`}
      </p>
    );
  }
  const inputs = float32FromBase64(evaluation.samples.input);
  const outputs = float32FromBase64(evaluation.samples.reconstruction);
  const originals = sampleImages(inputs, layout, evaluation.scaling);
  const reconstructions = sampleImages(outputs, layout, evaluation.scaling);
  const size = inputs.length / Math.max(1, originals.length);
  return (
    <>
      <p className="muted">
        {`${originals.length} validation samples (up to 2 per label), each original beside its reconstruction; MSE in the model's input space.`}
      </p>
      <div className="recon-grid" data-testid="reconstruction-grid" data-pairs={originals.length}>
        {originals.map((original, i) => {
          const label = labelName(evaluation.samples.label[i], evaluation.classNames);
          const mse = meanSquaredError(inputs.subarray(i * size, (i + 1) * size), outputs.subarray(i * size, (i + 1) * size));
          return (
            <figure key={evaluation.samples.index[i]} className="recon-pair" data-testid="reconstruction-pair" data-sample={evaluation.samples.index[i]}>
              <div>
                <img src={pngDataUrl(original)} width={IMAGE_SIZE} height={IMAGE_SIZE} alt={`Original, label ${label}`} data-testid="original-image" />
                <img
                  src={pngDataUrl(reconstructions[i])}
                  width={IMAGE_SIZE}
                  height={IMAGE_SIZE}
                  alt={`Reconstruction, label ${label}`}
                  data-testid="reconstruction-image"
                />
              </div>
              <figcaption>{`${label} · mse ${formatMetric(mse)}`}</figcaption>
            </figure>
          );
        })}
      </div>
    </>
  );
}

export function ErrorHistogramSection({ state }: { state: EvaluationState }) {
  if (state.kind !== "ready") return <Missing state={state} what="error histogram" />;
  const { errors, validationSize } = state.evaluation;
  return (
    <>
      <p className="muted" data-testid="error-stats">
        {`${errors.count} of ${validationSize} validation samples: mean ${formatMetric(errors.mean)}, median ${formatMetric(errors.median)}, 90th percentile ${formatMetric(errors.p90)}, max ${formatMetric(errors.max)}.`}
      </p>
      <ErrorHistogramChart histogram={{ edges: errors.edges, counts: errors.counts }} />
    </>
  );
}

/** What the scatter's axes are, in words. */
export function projectionCaption(evaluation: Pick<RunEvaluation, "codeSize" | "codes">): string {
  const { codes, codeSize } = evaluation;
  if (codes.projection === "identity") return `The ${codeSize}-d code itself${codeSize === 1 ? " (y is 0)" : ""}.`;
  const [first = 0, second = 0] = codes.explainedVariance ?? [];
  const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
  return `PCA projection of the ${codeSize}-d codes onto their top two principal axes: PC1 explains ${percent(first)} and PC2 ${percent(second)} of the codes' variance (${percent(first + second)} together).`;
}

export function CodeScatterSection({ state }: { state: EvaluationState }) {
  if (state.kind !== "ready") return <Missing state={state} what="code scatter" />;
  const { evaluation } = state;
  const { projection, explainedVariance, points, label } = evaluation.codes;
  return (
    <>
      <p className="muted" data-testid="code-projection" data-projection={evaluation.codes.projection}>
        {`${evaluation.codes.label.length} validation codes, coloured by label. ${projectionCaption(evaluation)}`}
      </p>
      {/* Only what the chart draws crosses to the client: not the sample indices or the projection axes. */}
      <RunCodeScatter cloud={{ projection, explainedVariance, points, label }} classNames={evaluation.classNames ?? null} />
    </>
  );
}
