import { describe, expect, it } from "vitest";
import { convAxisPads, convTransposeAxisPads, onnxPads2d } from "./padding.ts";

describe("convAxisPads (TF 'same': odd pixel at the end)", () => {
  it("is symmetric for a 3x3 stride-1 conv", () => {
    expect(convAxisPads(28, 3, 1, "same")).toEqual({ begin: 1, end: 1 });
  });
  it("puts the extra pixel after the data", () => {
    expect(convAxisPads(28, 4, 1, "same")).toEqual({ begin: 1, end: 2 });
    expect(convAxisPads(7, 2, 2, "same")).toEqual({ begin: 0, end: 1 });
    expect(convAxisPads(6, 3, 2, "same")).toEqual({ begin: 0, end: 1 });
  });
  it("is zero for 'valid'", () => {
    expect(convAxisPads(7, 3, 2, "valid")).toEqual({ begin: 0, end: 0 });
  });
});

describe("convTransposeAxisPads (gradient of a TF conv)", () => {
  it("gives pads (0, 1) for k=3, s=2, 'same', not PyTorch's padding=1, output_padding=1", () => {
    expect(convTransposeAxisPads(7, 3, 2, "same")).toEqual({ begin: 0, end: 1, outputPadding: 0, size: 14 });
  });
  it("handles larger kernels with asymmetric pads", () => {
    expect(convTransposeAxisPads(7, 5, 2, "same")).toEqual({ begin: 1, end: 2, outputPadding: 0, size: 14 });
    expect(convTransposeAxisPads(5, 4, 1, "same")).toEqual({ begin: 1, end: 2, outputPadding: 0, size: 5 });
    expect(convTransposeAxisPads(7, 4, 2, "same")).toEqual({ begin: 1, end: 1, outputPadding: 0, size: 14 });
  });
  it("uses output_padding when the kernel is smaller than the stride", () => {
    expect(convTransposeAxisPads(7, 1, 2, "same")).toEqual({ begin: 0, end: 0, outputPadding: 1, size: 14 });
    expect(convTransposeAxisPads(4, 1, 3, "valid")).toEqual({ begin: 0, end: 0, outputPadding: 2, size: 12 });
  });
  it("needs no pads for 'valid' when k >= s", () => {
    expect(convTransposeAxisPads(7, 3, 2, "valid")).toEqual({ begin: 0, end: 0, outputPadding: 0, size: 15 });
  });
  it("always reaches the size core's shape inference expects", () => {
    for (const padding of ["same", "valid"] as const)
      for (let n = 1; n <= 9; n++)
        for (let k = 1; k <= 6; k++)
          for (let s = 1; s <= 4; s++) {
            const p = convTransposeAxisPads(n, k, s, padding);
            const expected = padding === "same" ? n * s : n * s + Math.max(k - s, 0);
            expect(p.size).toBe(expected);
            expect((n - 1) * s + k + p.outputPadding - p.begin - p.end).toBe(expected);
            expect(Math.min(p.begin, p.end, p.outputPadding)).toBeGreaterThanOrEqual(0);
            expect(p.outputPadding).toBeLessThan(s);
          }
  });
});

it("onnxPads2d orders pads [top, left, bottom, right]", () => {
  expect(onnxPads2d({ begin: 0, end: 1 }, { begin: 2, end: 3 })).toEqual([0, 2, 1, 3]);
});
