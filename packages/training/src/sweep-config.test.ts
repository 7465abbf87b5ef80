import { isAelabError } from "@aelab/core";
import { idxBytes, tempDir } from "@aelab/data/testing";
import { afterAll, describe, expect, it } from "vitest";
import { parseSweepConfig } from "./sweep-config.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const sweep = (data: unknown, architecture: string[] = ["dense"]) =>
  parseSweepConfig({ name: "s", data, parameters: { architecture: { values: architecture }, hiddenSize: { values: [2, 4] } } }, "sweep.yaml", {
    baseDir: tmp.path(""),
  });

describe("parseSweepConfig data", () => {
  it("defaults to mnist and gives every trial the same data block and input", () => {
    const s = sweep(undefined);
    expect(s.data).toEqual({ source: "mnist", scaling: "unit", validationFraction: 0.1, seed: 42, testFraction: 0 });
    expect(s.trials.map((t) => t.config.spec.input)).toEqual([
      { shape: [28, 28, 1], scaling: "unit" },
      { shape: [28, 28, 1], scaling: "unit" },
    ]);
    expect(s.trials.every((t) => t.config.data === s.data)).toBe(true);
  });

  it("builds trials for an idx source's sample shape with its standardisation statistics", () => {
    const values = Array.from({ length: 40 * 16 }, (_, i) => i % 200);
    tmp.write("sweep/x.idx", idxBytes(0x08, [40, 4, 4], values));
    const s = sweep({ source: "idx", images: "sweep/x.idx", scaling: "standardize" });
    expect(s.data).toMatchObject({ images: tmp.path("sweep/x.idx") });
    const [a, b] = s.trials.map((t) => t.config.spec.input);
    expect(a.shape).toEqual([4, 4, 1]);
    expect(a.scaling).toMatchObject({ type: "standardize" });
    expect(b).toEqual(a);
  });

  it("refuses a bce preset with standardize, naming the file and the trial", () => {
    let message = "";
    try {
      sweep({ limit: 100, scaling: "standardize" }, ["dense", "vae"]);
    } catch (error) {
      if (isAelabError(error, "INVALID_SPEC")) message = error.message;
    }
    expect(message).toMatch(
      /^sweep\.yaml \(trial 3: architecture=vae, hiddenSize=2\): data\.scaling "standardize" sets model\.input\.scaling: Binary cross-entropy/,
    );
  });

  it("names the sweep file and the data field for a bad data file", () => {
    tmp.write("sweep/bad.idx", "not idx");
    expect(() => sweep({ source: "idx", images: "sweep/bad.idx" })).toThrow(
      new RegExp(`^sweep\\.yaml: data\\.images: ${tmp.path("sweep/bad.idx")}: offset 0: expected an IDX magic`),
    );
  });
});
