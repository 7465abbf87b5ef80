import { describe, expect, it } from "vitest";
import { mergeWindow, overlayBudget, parseWindow, stepExtent, type Curve } from "./curves";

const curve = (steps: number[], values: number[], extra: Partial<Curve> = {}): Curve => ({
  runId: "r",
  key: "train_loss",
  total: steps.length,
  downsampled: false,
  steps,
  values,
  epochIsStep: false,
  ...extra,
});

describe("curves", () => {
  it("merges the fine window into the coarse curve, keeping the coarse points outside it", () => {
    const coarse = curve([0, 10, 20, 30, 40], [5, 4, 3, 2, 1], { downsampled: true, total: 5000 });
    const fine = curve([12, 13, 14, 15], [3.9, 9, 3.7, 3.6]);
    expect(mergeWindow(coarse, fine, 12, 25)).toMatchObject({
      steps: [0, 10, 12, 13, 14, 15, 30, 40],
      values: [5, 4, 3.9, 9, 3.7, 3.6, 2, 1],
      downsampled: true,
    });
    expect(mergeWindow(coarse, undefined, 12, 25)).toBe(coarse);
  });

  it("splits an overlay's point budget between its series", () => {
    expect(overlayBudget(1)).toBe(1000);
    expect(overlayBudget(6)).toBe(1000);
    expect(overlayBudget(20)).toBe(300);
    expect(overlayBudget(50)).toBe(120);
    expect(overlayBudget(500)).toBe(100);
  });

  it("reads a zoom window from the URL, refusing nonsense", () => {
    expect(parseWindow("100", "900")).toEqual({ from: 100, to: 900 });
    expect(parseWindow("-5", "7")).toEqual({ from: -5, to: 7 });
    expect(parseWindow("900", "100")).toBeNull();
    expect(parseWindow("1e3", "2000")).toBeNull();
    expect(parseWindow(null, "2000")).toBeNull();
  });

  it("finds the step extent of several curves", () => {
    expect(stepExtent([curve([3, 9], [1, 1]), curve([1, 5], [1, 1]), curve([], [])])).toEqual({ from: 1, to: 9 });
    expect(stepExtent([])).toBeNull();
  });
});
