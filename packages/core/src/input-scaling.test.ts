import { describe, expect, it } from "vitest";
import { AelabError } from "./errors.ts";
import { scaleInput, unitRange } from "./input-scaling.ts";

describe("unitRange", () => {
  it("classifies values in [0, 1], integer pixels and anything else", () => {
    expect(unitRange(Float32Array.of(0, 0.5, 1))).toEqual({ kind: "unit" });
    expect(unitRange(Float32Array.of(0, 1, 1))).toEqual({ kind: "unit" });
    expect(unitRange(Float32Array.of(0, 2, 255))).toEqual({ kind: "bytes" });
    expect(unitRange(Float32Array.of(0, 2.5, 255))).toEqual({ kind: "outside", min: 0, max: 255 });
    expect(unitRange(Float32Array.of(-1, 3))).toEqual({ kind: "outside", min: -1, max: 3 });
    expect(unitRange(Float32Array.of(0, 256))).toEqual({ kind: "outside", min: 0, max: 256 });
    // A sub-range only.
    expect(unitRange(Float32Array.of(300, 0, 255, 7), 1, 3)).toEqual({ kind: "bytes" });
  });
});

describe("scaleInput", () => {
  it("unit: decides per sample, divides integer pixels by 255 and leaves [0, 1] samples alone", () => {
    const x = { data: Float32Array.of(0, 51, 255, 0, 0.2, 1), shape: [2, 3] };
    const y = scaleInput(x, "unit");
    expect(Array.from(y.data)).toEqual([0, Math.fround(51 / 255), 1, 0, Math.fround(0.2), 1]);
    expect(y.shape).toEqual([2, 3]);
    // The input is not changed.
    expect(x.data[1]).toBe(51);
  });

  it("unit: refuses a sample that is neither, naming it and its range", () => {
    const x = { data: Float32Array.of(0, 1, 0.5, 3.5), shape: [2, 2] };
    expect(() => scaleInput(x, "unit", { what: "POST /v1/encode inputs" })).toThrow(AelabError);
    expect(() => scaleInput(x, "unit", { what: "POST /v1/encode inputs" })).toThrow(
      /^POST \/v1\/encode inputs: the model's input scaling "unit" expects .* Received: sample 1 with min=0\.5, max=3\.5$/,
    );
  });

  it("none passes values unchanged", () => {
    expect(Array.from(scaleInput({ data: Float32Array.of(-7, 300), shape: [1, 2] }, "none").data)).toEqual([-7, 300]);
  });

  it("standardize: per channel on the last axis, or on the first axis of an NCHW sample", () => {
    const scaling = { type: "standardize" as const, mean: [1, 10], std: [2, 5] };
    // Two samples of [2 pixels, 2 channels], channels last.
    const nhwc = scaleInput({ data: Float32Array.of(1, 10, 3, 20, 5, 0, 1, 15), shape: [2, 1, 2, 2] }, scaling);
    expect(Array.from(nhwc.data)).toEqual([0, 0, 1, 2, 2, -2, 0, 1]);
    // The same values in [C, H, W]: channel 0's two pixels, then channel 1's.
    const nchw = scaleInput({ data: Float32Array.of(1, 3, 10, 20, 5, 1, 0, 15), shape: [2, 2, 1, 2] }, scaling, { channelAxis: "first" });
    expect(Array.from(nchw.data)).toEqual([0, 1, 0, 2, 2, 0, -2, 1]);
    // One statistic for every channel.
    expect(Array.from(scaleInput({ data: Float32Array.of(3, 5), shape: [1, 2] }, { type: "standardize", mean: [1], std: [2] }).data)).toEqual([1, 2]);
  });

  it("standardize: refuses statistics that do not fit the channels", () => {
    const scaling = { type: "standardize" as const, mean: [0, 0, 0], std: [1, 1, 1] };
    expect(() => scaleInput({ data: new Float32Array(4), shape: [1, 2, 2] }, scaling)).toThrow(/one per channel \(2\).*Received: 3 values$/);
  });
});
