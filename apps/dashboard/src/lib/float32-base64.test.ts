import { describe, expect, it } from "vitest";
import { float32FromBase64 } from "./float32-base64";

describe("float32FromBase64", () => {
  it("reads what Node's Buffer wrote, bit for bit", () => {
    const values = Float32Array.from([0, 1, -2.5, 1 / 3, 3.4028234663852886e38, Number.NaN, -0]);
    const text = Buffer.from(values.buffer).toString("base64");
    expect(Object.is(float32FromBase64(text)[6], -0)).toBe(true);
    expect(Array.from(float32FromBase64(text))).toEqual(Array.from(values));
  });

  it("refuses bytes that are not whole floats", () => {
    expect(() => float32FromBase64(Buffer.from([1, 2, 3]).toString("base64"))).toThrow("Received: 3 bytes");
  });
});
