/** Baselines computed once per split and shared by every run of a sweep. */
import { gatherRows, meanImageBaseline, shapeSize, type Float32Tensor } from "@aelab/core";
import type { Split } from "@aelab/data";
import { linearProbe } from "./linear-probe.ts";
import { fitPca, pcaReconstructionMse, type PcaModel } from "./pca.ts";
import { computeOnce, readBaselineValue, readPcaFile, saveBaselineValue, writePcaFile } from "./baselines-cache.ts";
import { join } from "node:path";

/** Rows projected onto the first k principal axes: PCA's k-dimensional code. */
export function pcaCodes(pca: PcaModel, x: Float32Tensor, k: number): Float32Tensor {
  const n = x.shape[0];
  const d = pca.dimension;
  const data = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const axis = pca.components[c];
      let s = 0;
      for (let j = 0; j < d; j++) s += (x.data[i * d + j] - pca.mean[j]) * axis[j];
      data[i * k + c] = s;
    }
  }
  return { data, shape: [n, k] };
}

export class Baselines {
  private pca: PcaModel | undefined;
  private readonly cache = new Map<number, number>();
  private meanMse: number | undefined;
  private readonly probes = new Map<number, number>();

  /** `cacheDir`: where baselines are shared with other processes on the same split (a sweep's workers; see baselines-cache.ts). */
  constructor(
    private readonly split: Split,
    private readonly options: { cacheDir?: string } = {},
  ) {}

  /** Computes (or loads) the PCA and the baselines at these code sizes now, saving them to `cacheDir`. */
  warm(codeSizes: readonly number[] = []): void {
    this.fitted();
    for (const k of codeSizes) {
      this.pcaMse(k);
      this.pcaProbeAccuracy(k);
    }
  }

  /** A value another process computed (or is computing), or computes and shares it. */
  private shared<T extends number | null>(kind: "pcaMse" | "probe", k: number, compute: () => T): T {
    const dir = this.options.cacheDir;
    if (dir === undefined) return compute();
    return computeOnce(
      join(dir, `${kind}-${k}.lock`),
      () => readBaselineValue(dir, kind, k) as T | undefined,
      () => {
        const value = compute();
        saveBaselineValue(dir, kind, k, value);
        return value;
      },
    );
  }

  private fitted(): PcaModel {
    if (this.pca) return this.pca;
    const dir = this.options.cacheDir;
    if (dir === undefined) return (this.pca = fitPca(this.split.train));
    const file = join(dir, "pca.f64");
    const dimension = shapeSize(this.split.train.shape.slice(1));
    this.pca = computeOnce(
      join(dir, "pca.lock"),
      () => readPcaFile(file, dimension),
      () => {
        const model = fitPca(this.split.train);
        writePcaFile(file, model);
        return model;
      },
    );
    return this.pca;
  }

  /** Validation MSE of predicting the mean training image. */
  meanImage(): number {
    this.meanMse ??= meanImageBaseline(this.split.train, this.split.validation).mse;
    return this.meanMse;
  }

  /** Validation MSE of PCA with `k` components fitted on the training split. */
  pcaMse(k: number): number {
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    const value = this.shared("pcaMse", k, () => pcaReconstructionMse(this.fitted(), this.split.validation, [k]).get(k)!);
    this.cache.set(k, value);
    return value;
  }

  /**
   * Linear-probe accuracy on the validation labels of PCA's k-dimensional code,
   * the same protocol as a run's `val_probe_accuracy` (5,000 evenly spaced
   * training rows); undefined without labels or when k exceeds the input size.
   */
  pcaProbeAccuracy(k: number): number | undefined {
    const { trainLabels, validationLabels, train, validation } = this.split;
    if (!trainLabels || !validationLabels) return undefined;
    const hit = this.probes.get(k);
    if (hit !== undefined) return hit;
    const accuracy = this.shared("probe", k, () => {
      const pca = this.fitted();
      if (k > pca.components.length) return null;
      const n = train.shape[0];
      const m = Math.min(n, 5000);
      const rows = Uint32Array.from({ length: m }, (_, i) => Math.floor((i * n) / m));
      return linearProbe(
        pcaCodes(pca, gatherRows(train, rows), k),
        Int32Array.from(rows, (i) => trainLabels[i]),
        pcaCodes(pca, validation, k),
        validationLabels,
      ).accuracy;
    });
    if (accuracy === null) return undefined;
    this.probes.set(k, accuracy);
    return accuracy;
  }

  /** Computes several k in one pass (faster for a sweep). */
  precompute(ks: readonly number[]): void {
    const missing = ks.filter((k) => !this.cache.has(k));
    if (missing.length === 0) return;
    for (const [k, v] of pcaReconstructionMse(this.fitted(), this.split.validation, missing)) this.cache.set(k, v);
  }
}
