import { describe, expect, it } from "vitest";
import { Random } from "./random.ts";

describe("Random", () => {
  it("is reproducible by seed and roughly uniform / normal", () => {
    const a = new Random(5);
    const b = new Random(5);
    const xs = Array.from({ length: 20_000 }, () => a.next());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b.next()));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m).toBeGreaterThan(0.49);
    expect(m).toBeLessThan(0.51);
    const n = new Random(9);
    const ys = Array.from({ length: 20_000 }, () => n.normal());
    const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
    const variance = ys.reduce((s, y) => s + (y - mean) ** 2, 0) / ys.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });

  it("permutes every index exactly once", () => {
    const p = new Random(1).permutation(1000);
    expect(new Set(p).size).toBe(1000);
    expect([...p].sort((x, y) => x - y)[999]).toBe(999);
  });
});
