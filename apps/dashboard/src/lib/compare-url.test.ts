import { describe, expect, it } from "vitest";
import { compareHref, parseCompareUrl } from "./compare-url";

describe("compare URL state", () => {
  it("round-trips scope, overlaid runs, metric and page", () => {
    const state = parseCompareUrl({ experiment: "scale", sweep: "s1", runs: ["a,b", "c", "a"], key: "val_mse", page: "3" });
    expect(state).toEqual({ experiment: "scale", sweep: "s1", runs: ["a", "b", "c"], key: "val_mse", page: 3 });
    expect(compareHref(state)).toBe("/compare?experiment=scale&sweep=s1&runs=a%2Cb%2Cc&key=val_mse&page=3");
    expect(parseCompareUrl(Object.fromEntries(new URL(`http://x${compareHref(state)}`).searchParams))).toEqual(state);
  });

  it("drops unknown metrics, bad pages and runs beyond 20", () => {
    const state = parseCompareUrl({ key: "<script>", page: "-1", runs: Array.from({ length: 30 }, (_, i) => `r${i}`) });
    expect(state.key).toBe("val_loss");
    expect(state.page).toBe(1);
    expect(state.runs).toHaveLength(20);
    expect(compareHref({ ...state, runs: [] })).toBe("/compare");
  });
});
