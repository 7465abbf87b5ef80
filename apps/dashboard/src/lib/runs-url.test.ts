import { describe, expect, it } from "vitest";
import { parseRunsUrl, runsHref, sortHref, toListRunsInput } from "./runs-url";

describe("runs URL state", () => {
  it("parses filters, sort and page, dropping unknown values", () => {
    const state = parseRunsUrl({ status: ["finished", "bogus"], arch: "dense,conv", hidden: ["16", "x", "-2"], sort: "val_mse", page: "3", pageSize: "50" });
    expect(state).toMatchObject({
      status: ["finished"],
      architecture: ["dense", "conv"],
      hiddenSize: [16],
      sort: "val_mse",
      dir: "asc",
      page: 3,
      pageSize: 50,
    });
    expect(toListRunsInput(state)).toMatchObject({ orderBy: "metric:best_val_mse", direction: "asc", limit: 50, offset: 100, hiddenSize: [16] });
  });

  it("keeps each offered page size in the URL, up to 200, and drops others", () => {
    for (const size of [10, 50, 100, 200]) {
      const state = parseRunsUrl({ pageSize: String(size) });
      expect(state.pageSize).toBe(size);
      expect(runsHref(state)).toBe(`/?pageSize=${size}`);
      expect(toListRunsInput(state)).toMatchObject({ limit: size, offset: 0 });
    }
    expect(parseRunsUrl({ pageSize: "500" }).pageSize).toBe(25);
    expect(runsHref(parseRunsUrl({ pageSize: "25" }))).toBe("/");
  });

  it("falls back to defaults for junk", () => {
    const state = parseRunsUrl({ sort: "constructor", dir: "up", page: "0", pageSize: "7" });
    expect(state).toMatchObject({ sort: "startedAt", dir: "desc", page: 1, pageSize: 25 });
    expect(toListRunsInput(state)).toMatchObject({ status: undefined, architecture: undefined, offset: 0 });
  });

  it("round-trips through hrefs and leaves defaults out", () => {
    const state = parseRunsUrl({ arch: ["dense"], hidden: ["2", "16"], status: "running" });
    const href = runsHref(state, { page: 2 });
    expect(href).toBe("/?status=running&arch=dense&hidden=2&hidden=16&page=2");
    expect(
      parseRunsUrl(Object.fromEntries([...new URLSearchParams(href.slice(2)).keys()].map((k) => [k, new URLSearchParams(href.slice(2)).getAll(k)]))),
    ).toEqual({ ...state, page: 2 });
    expect(runsHref(parseRunsUrl({}))).toBe("/");
  });

  it("toggles sort direction on the active column and resets the page", () => {
    const state = parseRunsUrl({ sort: "name", page: "4" });
    expect(sortHref(state, "name")).toBe("/?sort=name&dir=desc");
    expect(sortHref(state, "startedAt")).toBe("/");
  });
});
