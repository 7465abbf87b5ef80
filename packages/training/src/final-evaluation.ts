/**
 * What a run is judged by once training ends, computed with the saved (best)
 * weights on the backend that trained them: test reconstruction MSE/BCE, and
 * the linear-probe accuracy of the code on validation and test labels, beside
 * the same probe on PCA codes of the same size (the linear baseline).
 */
import { gatherRows, sliceBatch, type Backend, type AutoencoderSpec, type Float32Tensor, type ModelHandler, type NeutralWeights } from "@aelab/core";
import type { Baselines } from "./baselines.ts";
import type { PreparedData } from "./datasets.ts";
import { linearProbe } from "./linear-probe.ts";

const BATCH = 500;
/** The probe fits on at most this many training codes (evenly spaced); see `linearProbe`. */
export const PROBE_TRAIN_SAMPLES = 5000;

export interface FinalMetric {
  key: string;
  value: number;
}

async function batched(x: Float32Tensor, f: (batch: Float32Tensor) => Promise<Float32Tensor>): Promise<Float32Tensor> {
  const n = x.shape[0];
  const parts: Float32Tensor[] = [];
  for (let start = 0; start < n; start += BATCH) parts.push(await f(sliceBatch(x, start, Math.min(n, start + BATCH))));
  const data = new Float32Array(parts.reduce((s, p) => s + p.data.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, shape: [n, ...parts[0].shape.slice(1)] };
}

async function meanScore(model: ModelHandler, x: Float32Tensor, metric: "mse" | "bce"): Promise<number> {
  let sum = 0;
  for (let start = 0; start < x.shape[0]; start += BATCH) {
    for (const v of await model.score(sliceBatch(x, start, Math.min(x.shape[0], start + BATCH)), metric)) sum += v;
  }
  return sum / x.shape[0];
}

function evenly(x: Float32Tensor, labels: Int32Array, max: number): { x: Float32Tensor; labels: Int32Array } {
  const n = x.shape[0];
  if (n <= max) return { x, labels };
  const rows = Uint32Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
  return { x: gatherRows(x, rows), labels: Int32Array.from(rows, (i) => labels[i]) };
}

export interface FinalEvaluationOptions {
  backend: Backend;
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  data: PreparedData;
  baselines: Baselines;
  codeSize: number;
}

/**
 * Metrics logged at step 0: `test_mse`, `test_bce` (when there is a test set),
 * `val_probe_accuracy`, `test_probe_accuracy`, `pca_val_probe_accuracy`
 * (when the data has labels).
 */
export async function finalEvaluation(options: FinalEvaluationOptions): Promise<FinalMetric[]> {
  const { data } = options;
  const metrics: FinalMetric[] = [];
  const model = await options.backend.createModel({ spec: options.spec, weights: options.weights });
  try {
    const test = data.test;
    if (test) {
      metrics.push({ key: "test_mse", value: await meanScore(model, test.images, "mse") });
      metrics.push({ key: "test_bce", value: await meanScore(model, test.images, "bce") });
    }
    const { trainLabels, validationLabels } = data.split;
    if (!trainLabels || !validationLabels) return metrics;
    const fit = evenly(data.split.train, trainLabels, PROBE_TRAIN_SAMPLES);
    const encode = (x: Float32Tensor) => batched(x, (b) => model.encode(b));
    const trainCodes = await encode(fit.x);
    metrics.push({ key: "val_probe_accuracy", value: linearProbe(trainCodes, fit.labels, await encode(data.split.validation), validationLabels).accuracy });
    if (test?.labels) {
      metrics.push({ key: "test_probe_accuracy", value: linearProbe(trainCodes, fit.labels, await encode(test.images), test.labels).accuracy });
    }
    const pca = options.baselines.pcaProbeAccuracy(options.codeSize);
    if (pca !== undefined) metrics.push({ key: "pca_val_probe_accuracy", value: pca });
    return metrics;
  } finally {
    await model.dispose();
  }
}
