/**
 * The PCA baseline: the best linear code of a given size, fitted on the same
 * training split. A shallow linear autoencoder can at best match it, so every
 * run is shown beside PCA at its own hidden size.
 */
import { AelabError, ErrorCode, shapeSize, type Float32Tensor } from "@aelab/core";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";

export interface PcaModel {
  mean: Float64Array;
  /** Principal axes, largest variance first: row i is component i (length d). */
  components: Float64Array[];
  /** Variance along each component, descending. */
  variances: Float64Array;
  dimension: number;
}

/** Fits PCA by eigendecomposition of the training covariance. */
export function fitPca(train: Float32Tensor, options: { maxComponents?: number } = {}): PcaModel {
  const n = train.shape[0];
  const d = shapeSize(train.shape.slice(1));
  if (n < 2) throw new AelabError(ErrorCode.InvalidData, `PCA needs at least 2 training samples. Received: ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += train.data[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  // Upper triangle of X_c^T X_c, accumulated row by row (cache-friendly, symmetric).
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let nz = 0;
    for (let j = 0; j < d; j++) {
      row[j] = train.data[off + j] - mean[j];
      if (row[j] !== 0) nz++;
    }
    if (nz === 0) continue;
    for (let a = 0; a < d; a++) {
      const va = row[a];
      if (va === 0) continue;
      const base = a * d;
      for (let b = a; b < d; b++) cov[base + b] += va * row[b];
    }
  }
  const m = new Matrix(d, d);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b] / (n - 1);
      m.set(a, b, v);
      m.set(b, a, v);
    }
  }
  const eig = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const vectors = eig.eigenvectorMatrix;
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const k = Math.min(options.maxComponents ?? d, d);
  const components: Float64Array[] = [];
  const variances = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const [v, idx] = order[c];
    variances[c] = Math.max(v, 0);
    const comp = new Float64Array(d);
    for (let j = 0; j < d; j++) comp[j] = vectors.get(j, idx);
    components.push(comp);
  }
  return { mean, components, variances, dimension: d };
}

/**
 * Mean per-pixel squared error of reconstructing `data` from its first k
 * principal components, for each requested k (one pass over the data).
 */
export function pcaReconstructionMse(pca: PcaModel, data: Float32Tensor, ks: readonly number[]): Map<number, number> {
  const d = pca.dimension;
  const n = data.shape[0];
  const kMax = Math.max(0, ...ks.map((k) => Math.min(k, pca.components.length)));
  const sums = new Float64Array(kMax + 1);
  const r = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < d; j++) {
      r[j] = data.data[i * d + j] - pca.mean[j];
      total += r[j] * r[j];
    }
    sums[0] += total;
    let captured = 0;
    for (let c = 0; c < kMax; c++) {
      const comp = pca.components[c];
      let dot = 0;
      for (let j = 0; j < d; j++) dot += comp[j] * r[j];
      captured += dot * dot;
      sums[c + 1] += Math.max(total - captured, 0);
    }
  }
  const out = new Map<number, number>();
  for (const k of ks) out.set(k, sums[Math.min(k, kMax)] / (n * d));
  return out;
}
