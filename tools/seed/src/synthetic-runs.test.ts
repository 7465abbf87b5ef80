import { describe, expect, it } from "vitest";
import { argmin, pcaMse, syntheticCurve, syntheticRun } from "./synthetic-runs";

describe("synthetic runs", () => {
  it("are deterministic per (index, seed) and spread architectures and hidden sizes", () => {
    expect(syntheticRun(7, 5000, 1)).toEqual(syntheticRun(7, 5000, 1));
    expect(syntheticRun(7, 5000, 2).params).not.toEqual(syntheticRun(7, 5000, 1).params);
    const runs = Array.from({ length: 1000 }, (_, i) => syntheticRun(i, 5000, 1));
    expect(new Set(runs.map((r) => r.architecture)).size).toBe(5);
    expect(new Set(runs.map((r) => r.hiddenSize)).size).toBe(6);
    const pruned = runs.filter((r) => r.status === "pruned");
    expect(pruned.length).toBeGreaterThan(80);
    expect(pruned.every((r) => r.steps < 5000)).toBe(true);
    expect(runs.filter((r) => r.status === "finished").every((r) => r.steps === 5000)).toBe(true);
  });

  it("draws decaying curves that settle near the run's final MSE, NaN at the end of a failed run", () => {
    const run = syntheticRun(3, 5000, 1);
    const mse = syntheticCurve({ ...run, status: "finished", steps: 5000 }, "val_mse", 5000);
    expect(mse).toHaveLength(5000);
    expect(mse[0]).toBeGreaterThan(mse[4999]);
    expect(Math.abs(mse[4999] / run.finalMse - 1)).toBeLessThan(0.05);
    expect(argmin(mse)).toBeGreaterThan(1000);
    const failed = syntheticCurve({ ...run, status: "failed", steps: 100 }, "val_loss", 5000);
    expect(Number.isNaN(failed[99])).toBe(true);
    expect(pcaMse(64)).toBeLessThan(pcaMse(2));
  });
});
