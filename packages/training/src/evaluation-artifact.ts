/**
 * Why this file exists: the dashboard shows, per run, originals against
 * reconstructions, the per-sample error histogram and a 2-D scatter of the
 * codes coloured by label. Those need the model run on validation samples.
 * Computing them once here, with the saved (best) weights on the backend that
 * trained them, keeps the dashboard free of any ML runtime: it reads one small
 * JSON artifact (kind `evaluation`) that the tracker recorded.
 *
 * Format `aelab-evaluation/1` (all arrays in validation order of `index`):
 * - `samples`: up to 2 validation samples per label (20 for 10 classes; the
 *   first 20 without labels): model inputs and reconstructions as base64
 *   little-endian float32 (exact, in the model's scaled space), their codes.
 * - `errors`: the per-sample reconstruction MSE of up to 10,000 validation samples.
 * - `codes`: up to 2,000 validation codes as 2-D points: the code itself when
 *   it is 1- or 2-d, else its projection on the codes' own top-2 principal
 *   axes (explained variance fractions and the axes given, so a new code can be
 *   placed on the same scatter), with the labels.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  gatherRows,
  shapeSize,
  sliceBatch,
  type AutoencoderSpec,
  type Backend,
  type Float32Tensor,
  type InputScaling,
  type ModelHandler,
  type NeutralWeights,
} from "@aelab/core";
import type { Tracker } from "@aelab/tracking";
import type { PreparedData } from "./datasets.ts";
import { fitPca } from "./pca.ts";

export const EVALUATION_ARTIFACT_KIND = "evaluation";
export const EVALUATION_FORMAT = "aelab-evaluation/1";
export const EVALUATION_LIMITS = { samplesPerLabel: 2, unlabelledSamples: 20, errors: 10_000, codes: 2_000 } as const;
const BATCH = 500;

export interface EvaluationArtifact {
  format: typeof EVALUATION_FORMAT;
  split: "validation";
  /** One sample's shape, as the model takes it. */
  inputShape: number[];
  scaling: InputScaling;
  codeSize: number;
  /** Validation samples in the split. */
  validationSize: number;
  classNames?: string[];
  samples: { index: number[]; label: Array<number | null>; input: string; reconstruction: string; code: number[][] };
  errors: { metric: "mse"; index: number[]; values: number[] };
  codes: {
    projection: "identity" | "pca";
    /** Fraction of the codes' variance along each projected axis (PCA only). */
    explainedVariance?: number[];
    /** The projection (PCA only): point = [(code − mean)·components[0], (code − mean)·components[1]]. */
    axes?: { mean: number[]; components: number[][] };
    index: number[];
    /** Flat [x0, y0, x1, y1, …]; y is 0 for a 1-d code. */
    points: number[];
    label: Array<number | null>;
  };
}

export interface BuildEvaluationOptions {
  model: ModelHandler;
  validation: Float32Tensor;
  labels?: Int32Array;
  scaling: InputScaling;
  classNames?: string[];
}

/** Six significant digits: plenty for a histogram or a scatter, and a third of the JSON. */
const short = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 0);

export function float32ToBase64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

/** `count` row indices spread evenly over `n` (all of them when n ≤ count). */
function evenRows(n: number, count: number): number[] {
  if (n <= count) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * n) / count));
}

function sampleRows(n: number, labels: Int32Array | undefined): number[] {
  if (!labels) return evenRows(n, Math.min(n, EVALUATION_LIMITS.unlabelledSamples));
  const taken = new Map<number, number>();
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const seen = taken.get(labels[i]) ?? 0;
    if (seen >= EVALUATION_LIMITS.samplesPerLabel) continue;
    taken.set(labels[i], seen + 1);
    rows.push(i);
  }
  return rows.sort((a, b) => labels[a] - labels[b] || a - b);
}

async function inBatches<T>(x: Float32Tensor, f: (batch: Float32Tensor) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < x.shape[0]; start += BATCH) out.push(await f(sliceBatch(x, start, Math.min(x.shape[0], start + BATCH))));
  return out;
}

async function encodeAll(model: ModelHandler, x: Float32Tensor): Promise<Float32Tensor> {
  const parts = await inBatches(x, (b) => model.encode(b));
  const width = shapeSize(parts[0].shape.slice(1));
  const data = new Float32Array(x.shape[0] * width);
  parts.forEach((p, i) => data.set(p.data, i * BATCH * width));
  return { data, shape: [x.shape[0], width] };
}

function rowsOf(t: Float32Tensor): number[][] {
  const width = shapeSize(t.shape.slice(1));
  return Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * width, (i + 1) * width), short));
}

function projectCodes(codes: Float32Tensor): Pick<EvaluationArtifact["codes"], "projection" | "explainedVariance" | "axes" | "points"> {
  const [n, k] = codes.shape;
  const points = new Array<number>(n * 2).fill(0);
  if (k <= 2 || n < 2) {
    // A code of at most two numbers is its own scatter (and fewer than 2 points have no principal axes).
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) points[i * 2 + c] = short(codes.data[i * k + c]);
    return { projection: "identity", points };
  }
  const pca = fitPca(codes, { maxComponents: 2 });
  // Total variance is the trace of the covariance: the sum of the per-dimension variances.
  let total = 0;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (codes.data[i * k + j] - pca.mean[j]) ** 2;
    total += s / (n - 1);
  }
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += (codes.data[i * k + j] - pca.mean[j]) * pca.components[c][j];
      points[i * 2 + c] = short(s);
    }
  }
  return {
    projection: "pca",
    explainedVariance: Array.from(pca.variances, (v) => short(total > 0 ? v / total : 0)),
    axes: { mean: Array.from(pca.mean), components: pca.components.map((c) => Array.from(c)) },
    points,
  };
}

/** Runs the model on the validation split and gathers what the dashboard's run page draws. */
export async function buildEvaluationArtifact(options: BuildEvaluationOptions): Promise<EvaluationArtifact> {
  const { model, validation, labels } = options;
  const n = validation.shape[0];
  const labelOf = (i: number) => (labels ? labels[i] : null);

  const sampleIndex = sampleRows(n, labels);
  const sampleInputs = gatherRows(validation, sampleIndex);
  const reconstructions = await model.reconstruct(sampleInputs);
  const sampleCodes = await model.encode(sampleInputs);

  const errorIndex = evenRows(n, EVALUATION_LIMITS.errors);
  const errorValues = (await inBatches(gatherRows(validation, errorIndex), (b) => model.score(b, "mse"))).flatMap((v) => Array.from(v, short));

  const codeIndex = evenRows(n, EVALUATION_LIMITS.codes);
  const codes = await encodeAll(model, gatherRows(validation, codeIndex));

  return {
    format: EVALUATION_FORMAT,
    split: "validation",
    inputShape: [...validation.shape.slice(1)],
    scaling: options.scaling,
    codeSize: codes.shape[1],
    validationSize: n,
    ...(options.classNames ? { classNames: options.classNames } : {}),
    samples: {
      index: sampleIndex,
      label: sampleIndex.map(labelOf),
      input: float32ToBase64(sampleInputs.data),
      reconstruction: float32ToBase64(reconstructions.data),
      code: rowsOf(sampleCodes),
    },
    errors: { metric: "mse", index: errorIndex, values: errorValues },
    codes: { ...projectCodes(codes), index: codeIndex, label: codeIndex.map(labelOf) },
  };
}

/** Writes the artifact as `<artifactsDir>/<runId>/evaluation.json` and records it on the run. */
export async function saveEvaluationArtifact(options: {
  tracker: Tracker;
  runId: string;
  artifactsDir: string;
  artifact: EvaluationArtifact;
}): Promise<string> {
  const dir = resolve(options.artifactsDir, options.runId);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "evaluation.json");
  const bytes = Buffer.from(JSON.stringify(options.artifact));
  writeFileSync(path, bytes);
  await options.tracker.logArtifact(options.runId, {
    kind: EVALUATION_ARTIFACT_KIND,
    path,
    bytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  });
  return path;
}

/**
 * Builds and records the artifact of a finished run with its saved weights, on
 * the backend that trained them. Returns the file's path.
 */
export async function recordEvaluationArtifact(options: {
  backend: Backend;
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  data: PreparedData;
  tracker: Tracker;
  runId: string;
  artifactsDir: string;
}): Promise<string> {
  const model = await options.backend.createModel({ spec: options.spec, weights: options.weights });
  try {
    const artifact = await buildEvaluationArtifact({
      model,
      validation: options.data.split.validation,
      labels: options.data.split.validationLabels,
      scaling: options.data.scaling,
      classNames: options.data.description.classNames,
    });
    return await saveEvaluationArtifact({ tracker: options.tracker, runId: options.runId, artifactsDir: options.artifactsDir, artifact });
  } finally {
    await model.dispose();
  }
}
