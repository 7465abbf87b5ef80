import { describe, expect, it } from "vitest";
import { fitStandardization, loadMnist, splitDataset, standardize, takeEvenly, type Dataset } from "./index.ts";

const toy = (n: number): Dataset => ({
  name: "toy",
  images: { data: Float32Array.from({ length: n * 2 }, (_, i) => i), shape: [n, 2] },
  labels: Int32Array.from({ length: n }, (_, i) => i % 3),
  scaling: "none",
});

describe("splitDataset with a test fraction", () => {
  it("keeps the validation rows of the plain split and takes disjoint test rows", () => {
    const mnist = loadMnist({ limit: 1000 });
    const plain = splitDataset(mnist, { validationFraction: 0.1, seed: 42 });
    const withTest = splitDataset(mnist, { validationFraction: 0.1, testFraction: 0.2, seed: 42 });
    expect(plain.test).toBeUndefined();
    expect([...withTest.validationIndices]).toEqual([...plain.validationIndices]);
    expect(withTest.test?.shape).toEqual([200, 28, 28, 1]);
    expect(withTest.train.shape[0]).toBe(700);
    const all = [...withTest.trainIndices, ...withTest.validationIndices, ...(withTest.testIndices ?? [])];
    expect(new Set(all).size).toBe(1000);
    const i = withTest.testIndices?.[5] ?? -1;
    expect(withTest.testLabels?.[5]).toBe(mnist.labels?.[i]);
    expect(Array.from(withTest.test?.data.subarray(5 * 784, 6 * 784) ?? [])).toEqual(Array.from(mnist.images.data.subarray(i * 784, (i + 1) * 784)));
  });

  it("refuses fractions that leave no training rows", () => {
    expect(() => splitDataset(toy(10), { validationFraction: 0.5, testFraction: 0.5, seed: 1 })).toThrow(/testFraction .* Received: 0.5/);
    expect(() => splitDataset(toy(2), { validationFraction: 0.3, testFraction: 0.3, seed: 1 })).toThrow(
      /too few samples for a validation and test split. Received: 2 samples/,
    );
  });
});

describe("takeEvenly", () => {
  it("takes every n/limit-th row with its label, and keeps a small dataset whole", () => {
    const ds = toy(10);
    const five = takeEvenly(ds, 5);
    expect(five.name).toBe("toy[5]");
    expect(Array.from(five.images.data)).toEqual([0, 1, 4, 5, 8, 9, 12, 13, 16, 17]);
    expect(Array.from(five.labels ?? [])).toEqual([0, 2, 1, 0, 2]);
    expect(takeEvenly(ds, 10)).toBe(ds);
  });
});

describe("standardisation", () => {
  it("fits per-channel mean and population std on the given rows only", () => {
    // Two channels: c0 = 0, 2, 4, 6; c1 = 10 everywhere (constant, so std 1).
    const train = { data: Float32Array.from([0, 10, 2, 10, 4, 10, 6, 10]), shape: [2, 2, 2] };
    const s = fitStandardization(train);
    expect(s).toEqual({ type: "standardize", mean: [3, 10], std: [Math.sqrt(5), 1] });
    const other = standardize({ data: Float32Array.from([3, 11, 103, 10]), shape: [1, 2, 2] }, s);
    expect(Array.from(other.data)).toEqual(Array.from(Float32Array.from([0, 1, 100 / Math.sqrt(5), 0])));
    expect(other.shape).toEqual([1, 2, 2]);
  });

  it("applies one-value statistics to every channel, and refuses a wrong count", () => {
    const t = { data: Float32Array.from([1, 2, 3]), shape: [1, 3] };
    expect(Array.from(standardize(t, { type: "standardize", mean: [1], std: [2] }).data)).toEqual([0, 0.5, 1]);
    expect(() => standardize(t, { type: "standardize", mean: [1, 2], std: [1] })).toThrow(
      /scaling.mean needs 1 value or one per channel \(3\). Received: 2 values/,
    );
  });
});
