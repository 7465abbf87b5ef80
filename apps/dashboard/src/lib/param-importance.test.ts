import { describe, expect, it } from "vitest";
import { parameterImportance, ranks } from "./param-importance";

describe("parameter importance (correlation-based)", () => {
  it("ranks with ties sharing their mean rank", () => {
    expect(ranks([10, 30, 20, 30])).toEqual([0, 2.5, 1, 2.5]);
  });

  it("scores a monotone numeric parameter 1, an unrelated one near 0, a deciding category 1", () => {
    const trials = Array.from({ length: 12 }, (_, i) => ({
      // value rises with lr (through a log transform: ranks do not care); dropout cycles unrelated to it.
      params: { lr: 10 ** (-4 + i / 4), architecture: i % 2 ? "conv" : "dense", dropout: [0.1, 0.3, 0.2][i % 3] },
      value: i,
    }));
    const byParam = Object.fromEntries(parameterImportance(trials).map((s) => [s.param, s]));
    expect(byParam.lr).toEqual({ param: "lr", kind: "numeric", score: 1 });
    expect(byParam.dropout.score).toBeLessThan(0.2);
    expect(byParam.architecture.kind).toBe("categorical");

    const split = [1, 2, 3, 10, 11, 12].map((value, i) => ({ params: { architecture: i < 3 ? "conv" : "dense" }, value }));
    // η on ranks: between-group SS = 6·1.5² = 13.5 of total 17.5.
    expect(parameterImportance(split)[0].score).toBeCloseTo(Math.sqrt(13.5 / 17.5), 12);
  });

  it("ignores non-finite values and needs three trials", () => {
    expect(
      parameterImportance([
        { params: { a: 1 }, value: 1 },
        { params: { a: 2 }, value: NaN },
      ]),
    ).toEqual([]);
    const constant = [1, 2, 3].map((value) => ({ params: { a: 5 }, value }));
    expect(parameterImportance(constant)).toEqual([{ param: "a", kind: "numeric", score: 0 }]);
  });
});
