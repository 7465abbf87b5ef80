import type { CompareRow } from "@aelab/tracking";
import { describe, expect, it } from "vitest";
import { PCA_SERIES_NAME, buildCompareSeries, pivotCompareSeries } from "./compare-series";

function row(architecture: string, hiddenSize: number | null, best: number | null, pca: number | null = null): CompareRow {
  return { runId: `${architecture}-${hiddenSize}-${best}`, name: "r", architecture, hiddenSize, status: "finished", best, pca };
}

describe("buildCompareSeries", () => {
  it("makes one series per architecture plus PCA, sorted by hidden size", () => {
    const series = buildCompareSeries([row("dense", 16, 0.03, 0.05), row("dense", 2, 0.06, 0.09), row("conv", 16, 0.02, 0.05)]);
    expect(series.map((s) => [s.name, s.kind])).toEqual([
      ["conv", "architecture"],
      ["dense", "architecture"],
      [PCA_SERIES_NAME, "pca"],
    ]);
    expect(series[1].points).toEqual([
      [2, 0.06],
      [16, 0.03],
    ]);
    expect(series[2].points).toEqual([
      [2, 0.09],
      [16, 0.05],
    ]);
  });

  it("keeps the best of repeated runs and drops unplaceable ones", () => {
    const series = buildCompareSeries([
      row("dense", 4, 0.5),
      row("dense", 4, 0.2),
      row("dense", null, 0.1),
      row("dense", 8, Number.NaN),
      row("dense", 8, null),
    ]);
    expect(series).toEqual([{ name: "dense", kind: "architecture", points: [[4, 0.2]] }]);
  });

  it("never merges an architecture called PCA with the baseline", () => {
    const names = buildCompareSeries([row("PCA", 2, 0.1, 0.2)]).map((s) => s.name);
    expect(names).toEqual(["PCA (model)", "PCA"]);
  });

  it("pivots series into a hidden-size table", () => {
    const series = buildCompareSeries([row("dense", 2, 0.06), row("conv", 16, 0.02)]);
    expect(pivotCompareSeries(series)).toEqual({
      hiddenSizes: [2, 16],
      cells: [
        [null, 0.06],
        [0.02, null],
      ],
    });
  });
});
