/**
 * Reads a run's `evaluation` artifact (format aelab-evaluation/1, written by
 * @aelab/training's evaluation-artifact.ts at the end of training) and shapes
 * it for the run page: the sample grid, the per-sample error histogram (binned
 * here, so the browser gets 40 counts rather than 10,000 values) and the code
 * scatter.
 */
import { AelabError, ErrorCode } from "@aelab/core";
import type { Tracker } from "@aelab/tracking";
import { z } from "zod";
import { latestByKind, readTrackedArtifact } from "./artifacts";

export const EVALUATION_KIND = "evaluation";
const HISTOGRAM_BINS = 40;

const finite = z.number().finite();
const label = z.number().int().nullable();
const scaling = z.union([z.enum(["unit", "none"]), z.object({ type: z.literal("standardize"), mean: z.array(finite), std: z.array(finite) })]);

const evaluationSchema = z.object({
  format: z.literal("aelab-evaluation/1"),
  inputShape: z.array(z.number().int().positive()).min(1).max(3),
  scaling,
  codeSize: z.number().int().positive(),
  validationSize: z.number().int().nonnegative(),
  classNames: z.array(z.string()).optional(),
  samples: z.object({ index: z.array(z.number().int()), label: z.array(label), input: z.string(), reconstruction: z.string(), code: z.array(z.array(finite)) }),
  errors: z.object({ metric: z.literal("mse"), index: z.array(z.number().int()), values: z.array(finite) }),
  codes: z.object({
    projection: z.enum(["identity", "pca"]),
    explainedVariance: z.array(finite).optional(),
    axes: z.object({ mean: z.array(finite), components: z.array(z.array(finite)).length(2) }).optional(),
    index: z.array(z.number().int()),
    points: z.array(finite),
    label: z.array(label),
  }),
});
export type EvaluationFile = z.infer<typeof evaluationSchema>;

export interface ErrorHistogram {
  /** Bin edges, `counts.length + 1` of them. */
  edges: number[];
  counts: number[];
  mean: number;
  median: number;
  p90: number;
  max: number;
  count: number;
}

export interface RunEvaluation extends Omit<EvaluationFile, "errors"> {
  artifactId: string;
  errors: ErrorHistogram;
}

/** Equal-width bins from 0 (errors are non-negative) to the largest error. */
export function errorHistogram(values: readonly number[], bins = HISTOGRAM_BINS): ErrorHistogram {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const max = n > 0 ? sorted[n - 1] : 0;
  const width = max > 0 ? max / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor(v / width))]++;
  const quantile = (q: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * (n - 1)))]);
  return {
    edges: Array.from({ length: bins + 1 }, (_, i) => i * width),
    counts,
    mean: n === 0 ? 0 : sorted.reduce((s, v) => s + v, 0) / n,
    median: quantile(0.5),
    p90: quantile(0.9),
    max,
    count: n,
  };
}

/** The run's newest evaluation, or null when it has none (runs trained before the artifact existed, failed runs). */
export async function readRunEvaluation(tracker: Tracker, runId: string): Promise<RunEvaluation | null> {
  const artifact = latestByKind(await tracker.listArtifacts(runId)).get(EVALUATION_KIND);
  if (!artifact) return null;
  const { bytes } = await readTrackedArtifact(tracker, runId, artifact.id);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidData, `Expected the evaluation artifact ${artifact.path} to be JSON. Received: ${String(cause)}`, { cause });
  }
  const parsed = evaluationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AelabError(
      ErrorCode.InvalidData,
      `Expected ${artifact.path} to be an aelab-evaluation/1 file. Received: ${issue.path.join(".") || "<root>"}: ${issue.message}`,
    );
  }
  const { errors, ...rest } = parsed.data;
  return { ...rest, artifactId: artifact.id, errors: errorHistogram(errors.values) };
}
