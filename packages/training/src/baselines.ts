/** Baselines computed once per split and shared by every run of a sweep. */
import { meanImageBaseline } from "@aelab/core";
import type { Split } from "@aelab/data";
import { fitPca, pcaReconstructionMse, type PcaModel } from "./pca.ts";

export class Baselines {
  private pca: PcaModel | undefined;
  private readonly cache = new Map<number, number>();
  private meanMse: number | undefined;

  constructor(private readonly split: Split) {}

  /** Validation MSE of predicting the mean training image. */
  meanImage(): number {
    this.meanMse ??= meanImageBaseline(this.split.train, this.split.validation).mse;
    return this.meanMse;
  }

  /** Validation MSE of PCA with `k` components fitted on the training split. */
  pcaMse(k: number): number {
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    this.pca ??= fitPca(this.split.train);
    const value = pcaReconstructionMse(this.pca, this.split.validation, [k]).get(k)!;
    this.cache.set(k, value);
    return value;
  }

  /** Computes several k in one pass (faster for a sweep). */
  precompute(ks: readonly number[]): void {
    const missing = ks.filter((k) => !this.cache.has(k));
    if (missing.length === 0) return;
    this.pca ??= fitPca(this.split.train);
    for (const [k, v] of pcaReconstructionMse(this.pca, this.split.validation, missing)) this.cache.set(k, v);
  }
}
