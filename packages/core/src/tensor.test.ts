import { describe, expect, it } from "vitest";
import { nchwToNhwc, nhwcToNchw } from "./tensor.ts";

describe("layout transposes", () => {
  it("moves the channel axis of a [2, 3, 4, 5] batch and back, element by element", () => {
    const shape = [2, 3, 4, 5];
    const data = Float32Array.from({ length: 120 }, (_, i) => i);
    const nchw = nhwcToNchw({ data, shape });
    expect(nchw.shape).toEqual([2, 5, 3, 4]);
    for (const [n, h, w, c] of [
      [0, 0, 0, 0],
      [1, 2, 3, 4],
      [0, 1, 2, 3],
      [1, 0, 3, 1],
    ]) {
      expect(nchw.data[((n * 5 + c) * 3 + h) * 4 + w]).toBe(data[((n * 3 + h) * 4 + w) * 5 + c]);
    }
    expect(nchwToNhwc(nchw)).toEqual({ data, shape });
  });

  it("leaves other ranks alone", () => {
    const t = { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] };
    expect(nhwcToNchw(t)).toBe(t);
    expect(nchwToNhwc(t)).toBe(t);
  });
});
