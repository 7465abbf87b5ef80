import { gatherRows } from "@aelab/core";
import { loadMnist, splitDataset } from "@aelab/data";
import { describe, expect, it } from "vitest";
import { linearProbe } from "./linear-probe.ts";
import { pcaCodes } from "./baselines.ts";
import { fitPca } from "./pca.ts";

describe("linearProbe", () => {
  it("separates separable classes perfectly and is deterministic", () => {
    const n = 90;
    const data = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 3;
      data[i * 2] = labels[i] * 10 + (i % 7) * 0.1;
      data[i * 2 + 1] = -labels[i] * 5 + (i % 5) * 0.1;
    }
    const x = { data, shape: [n, 2] };
    const r = linearProbe(x, labels, x, labels);
    expect(r).toEqual({ accuracy: 1, trainAccuracy: 1, classes: 3 });
    expect(linearProbe(x, labels, x, labels)).toEqual(r);
  });

  it("is at chance on labels that carry no information", () => {
    const n = 600;
    const data = new Float32Array(n * 4).map((_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(Math.abs(Math.sin(i * 78.233) * 9999)) % 2);
    const half = n / 2;
    const r = linearProbe(
      { data: data.subarray(0, half * 4), shape: [half, 4] },
      labels.subarray(0, half),
      { data: data.subarray(half * 4), shape: [half, 4] },
      labels.subarray(half),
    );
    expect(r.accuracy).toBeGreaterThan(0.4);
    expect(r.accuracy).toBeLessThan(0.6);
  });

  it("reaches the known accuracy of a linear classifier on 32 PCA components of real MNIST digits", () => {
    const split = splitDataset(loadMnist(), { validationFraction: 0.1, seed: 42 });
    // The split keeps the source's digit order: take every other training row, not a prefix.
    const rows = Uint32Array.from({ length: 4500 }, (_, i) => 2 * i);
    const train = gatherRows(split.train, rows);
    const trainLabels = Int32Array.from(rows, (i) => (split.trainLabels as Int32Array)[i]);
    const pca = fitPca(train, { maxComponents: 32 });
    const started = performance.now();
    const r = linearProbe(pcaCodes(pca, train, 32), trainLabels, pcaCodes(pca, split.validation, 32), split.validationLabels as Int32Array);
    console.log(
      `probe on PCA-32 of MNIST: ${(r.accuracy * 100).toFixed(1)}% held out, ${(r.trainAccuracy * 100).toFixed(1)}% train, ${(performance.now() - started).toFixed(0)} ms`,
    );
    // Logistic regression on ~30 PCA components of MNIST is about 88–91% accurate.
    expect(r.accuracy).toBeGreaterThan(0.85);
    expect(r.accuracy).toBeLessThan(0.95);
    expect(() => linearProbe(train, new Int32Array(3), train, new Int32Array(3))).toThrow("Received: 4500 codes and 3 labels");
  });
});
