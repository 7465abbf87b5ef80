import { describe, expect, it } from "vitest";
import { drawableInputProblem, meanSquaredError, projectCode, toDisplaySpace, toModelSpace } from "./playground-math";

describe("playground math", () => {
  it("accepts single-channel 28×28 models only", () => {
    for (const shape of [[28, 28, 1], [1, 28, 28], [28, 28], [784]]) expect(drawableInputProblem(shape)).toBeNull();
    expect(drawableInputProblem([32, 32, 3])).toBe(
      "The playground draws 28×28 grayscale digits, so the model must take 784 values in one channel. Received: input shape [32, 32, 3]",
    );
    expect(drawableInputProblem([14, 14, 4])).toContain("Received: input shape [14, 14, 4]");
  });

  it("scales into the model's space and back", () => {
    const pixels = Float32Array.from([0, 0.25, 1]);
    expect(Array.from(toModelSpace(pixels, "unit"))).toEqual([0, 0.25, 1]);
    const standardize = { type: "standardize" as const, mean: [0.125], std: [0.25] };
    const model = toModelSpace(pixels, standardize);
    expect(Array.from(model)).toEqual([-0.5, 0.5, 3.5]);
    expect(Array.from(toDisplaySpace(model, standardize))).toEqual([0, 0.25, 1]);
    expect(Array.from(toDisplaySpace(Float32Array.from([-0.2, 1.3]), "unit"))).toEqual([0, 1]);
    expect(() => toModelSpace(pixels, { type: "standardize", mean: [0, 0, 0], std: [1, 1, 1] })).toThrow("Received: 3");
  });

  it("measures MSE against another image or a blank one", () => {
    expect(meanSquaredError([1, 0, 0, 1], [1, 0, 0, 0])).toBe(0.25);
    expect(meanSquaredError([1, 0, 0, 1], null)).toBe(0.5);
  });

  it("places codes on the scatter", () => {
    expect(projectCode([0.3, -2], undefined)).toEqual([0.3, -2]);
    const axes = {
      mean: [1, 1, 1],
      components: [
        [1, 0, 0],
        [0, 0.6, 0.8],
      ],
    };
    const [x, y] = projectCode([2, 2, 3], axes);
    expect(x).toBeCloseTo(1);
    expect(y).toBeCloseTo(0.6 + 1.6);
  });
});
