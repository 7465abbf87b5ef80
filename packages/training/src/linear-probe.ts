/**
 * Linear-probe accuracy: how well a code works as features. A multinomial
 * logistic regression (softmax, L2-regularised) is fitted on the training
 * split's codes and labels, then scored on held-out codes, the protocol of
 * representation-learning papers. Deterministic: features are standardised
 * with training statistics and the fit is full-batch gradient descent with
 * Nesterov momentum from zero weights, so the same codes give the same figure.
 */
import { AelabError, ErrorCode, gatherRows, shapeSize, type Float32Tensor } from "@aelab/core";

export interface LinearProbeOptions {
  /** Full-batch iterations (default 60: enough for codes of a few values, and past it large codes only overfit). */
  iterations?: number;
  /** Fit on at most this many training codes, evenly spaced (default 5,000), to bound the cost for large codes. */
  maxTrainSamples?: number;
  /** L2 penalty on the weights (not the biases). */
  l2?: number;
  learningRate?: number;
}

export interface LinearProbeResult {
  /** Fraction of held-out samples whose label is predicted correctly. */
  accuracy: number;
  /** Accuracy on the training codes (a large gap means the probe overfits). */
  trainAccuracy: number;
  classes: number;
}

interface Standardised {
  x: Float64Array;
  n: number;
  d: number;
}

function standardise(codes: Float32Tensor, mean: Float64Array, std: Float64Array): Standardised {
  const n = codes.shape[0];
  const d = mean.length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = (codes.data[i * d + j] - mean[j]) / std[j];
  return { x, n, d };
}

function stats(codes: Float32Tensor): { mean: Float64Array; std: Float64Array } {
  const n = codes.shape[0];
  const d = shapeSize(codes.shape.slice(1));
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += codes.data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (codes.data[i * d + j] - mean[j]) ** 2 / n;
  // Constant features (dead units) are left centred at zero rather than divided by zero.
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  return { mean, std };
}

/** Class scores x·Wᵀ + b for every row into `out` [n, k]; W is [k, d] so each score is one contiguous dot product. */
function scores(s: Standardised, w: Float64Array, b: Float64Array, k: number, out: Float64Array): void {
  const { x, n, d } = s;
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    for (let c = 0; c < k; c++) {
      const wo = c * d;
      let acc = b[c];
      for (let j = 0; j < d; j++) acc += x[xo + j] * w[wo + j];
      out[i * k + c] = acc;
    }
  }
}

function accuracy(s: Standardised, labels: Int32Array, w: Float64Array, b: Float64Array, k: number): number {
  const z = new Float64Array(s.n * k);
  scores(s, w, b, k, z);
  let right = 0;
  for (let i = 0; i < s.n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (z[i * k + c] > z[i * k + best]) best = c;
    if (best === labels[i]) right++;
  }
  return right / s.n;
}

/** At most `max` rows, evenly spaced, so a source ordered by class stays balanced. */
function evenlySpaced(codes: Float32Tensor, labels: Int32Array, max: number): [Float32Tensor, Int32Array] {
  const n = codes.shape[0];
  if (n <= max) return [codes, labels];
  const rows = Uint32Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
  return [gatherRows(codes, rows), Int32Array.from(rows, (i) => labels[i])];
}

function checkInputs(codes: Float32Tensor, labels: Int32Array, what: string): void {
  if (codes.shape[0] !== labels.length || codes.shape[0] === 0) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `The linear probe needs one label per ${what} code. Received: ${codes.shape[0]} codes and ${labels.length} labels`,
    );
  }
}

/**
 * Fits the probe on `trainCodes` and reports its accuracy on `evalCodes`.
 *
 * @example
 * const { accuracy } = linearProbe(codesOfTrain, trainLabels, codesOfValidation, validationLabels);
 */
export function linearProbe(
  trainCodes: Float32Tensor,
  trainLabels: Int32Array,
  evalCodes: Float32Tensor,
  evalLabels: Int32Array,
  options: LinearProbeOptions = {},
): LinearProbeResult {
  checkInputs(trainCodes, trainLabels, "training");
  checkInputs(evalCodes, evalLabels, "held-out");
  const k = Math.max(...trainLabels, ...evalLabels) + 1;
  const [fitCodes, fitLabels] = evenlySpaced(trainCodes, trainLabels, options.maxTrainSamples ?? 5000);
  const { mean, std } = stats(fitCodes);
  const train = standardise(fitCodes, mean, std);
  const { n, d } = train;
  const iterations = options.iterations ?? 60;
  const l2 = options.l2 ?? 1e-4;
  const lr = options.learningRate ?? 0.5;
  const w = new Float64Array(d * k);
  const b = new Float64Array(k);
  const vw = new Float64Array(d * k);
  const vb = new Float64Array(k);
  const z = new Float64Array(n * k);
  const gw = new Float64Array(d * k);
  const gb = new Float64Array(k);
  const lookW = new Float64Array(d * k);
  const lookB = new Float64Array(k);
  const momentum = 0.9;
  for (let t = 0; t < iterations; t++) {
    // Nesterov: the gradient is taken at the look-ahead point.
    for (let i = 0; i < w.length; i++) lookW[i] = w[i] + momentum * vw[i];
    for (let c = 0; c < k; c++) lookB[c] = b[c] + momentum * vb[c];
    scores(train, lookW, lookB, k, z);
    gw.fill(0);
    gb.fill(0);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[i * k + c] = Math.exp(z[i * k + c] - max);
      for (let c = 0; c < k; c++) z[i * k + c] = (z[i * k + c] / sum - (fitLabels[i] === c ? 1 : 0)) / n;
      const xo = i * d;
      for (let c = 0; c < k; c++) {
        const delta = z[i * k + c];
        gb[c] += delta;
        const go = c * d;
        for (let j = 0; j < d; j++) gw[go + j] += delta * train.x[xo + j];
      }
    }
    for (let i = 0; i < w.length; i++) {
      vw[i] = momentum * vw[i] - lr * (gw[i] + l2 * lookW[i]);
      w[i] += vw[i];
    }
    for (let c = 0; c < k; c++) {
      vb[c] = momentum * vb[c] - lr * gb[c];
      b[c] += vb[c];
    }
  }
  return {
    accuracy: accuracy(standardise(evalCodes, mean, std), evalLabels, w, b, k),
    trainAccuracy: accuracy(train, fitLabels, w, b, k),
    classes: k,
  };
}
