import { describe, expect, it } from "vitest";
import { loadMnist, splitDataset } from "./index.ts";

describe("loadMnist", () => {
  it("loads the 10,000 real digits in [0, 1] with labels 0–9", () => {
    const mnist = loadMnist();
    expect(mnist.images.shape).toEqual([10_000, 28, 28, 1]);
    expect(mnist.labels?.length).toBe(10_000);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of mnist.images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBeCloseTo(1, 2);
    // Real MNIST has a mean pixel intensity of about 0.13.
    expect(sum / mnist.images.data.length).toBeGreaterThan(0.11);
    expect(sum / mnist.images.data.length).toBeLessThan(0.15);
    const counts = new Array(10).fill(0);
    for (const l of mnist.labels!) counts[l]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });

  it("splits 9,000/1,000 reproducibly by seed, with no overlap", () => {
    const mnist = loadMnist();
    const a = splitDataset(mnist, { validationFraction: 0.1, seed: 7 });
    const b = splitDataset(mnist, { validationFraction: 0.1, seed: 7 });
    const c = splitDataset(mnist, { validationFraction: 0.1, seed: 8 });
    expect(a.train.shape[0]).toBe(9_000);
    expect(a.validation.shape[0]).toBe(1_000);
    expect([...a.validationIndices]).toEqual([...b.validationIndices]);
    expect([...a.validationIndices]).not.toEqual([...c.validationIndices]);
    const seen = new Set(a.trainIndices);
    expect([...a.validationIndices].some((i) => seen.has(i))).toBe(false);
    expect(a.validationLabels?.[0]).toBe(mnist.labels![a.validationIndices[0]]);
  });

  it("refuses a validation fraction outside (0, 1)", () => {
    expect(() => splitDataset(loadMnist({ limit: 100 }), { validationFraction: 1.5, seed: 1 })).toThrow(/Received: 1.5/);
  });
});
