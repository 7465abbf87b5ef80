import { Random } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { buildKernels, defaultWeights, kernelSigmas, logDensity, sampleKernels } from "./parzen-estimator.ts";
import { belowCount, rankObservations, sampleRandom, sampleTpe, type Observation } from "./samplers.ts";
import { drawUniform, gridCells, gridValues, snap, type ParameterSpec, type SearchSpace } from "./search-space.ts";

type NumericSpec = Exclude<ParameterSpec, { kind: "categorical" }>;
const float = (min: number, max: number, log = false): NumericSpec => ({ kind: "float", min, max, log, step: undefined });
const int = (min: number, max: number, log = false, step = 1): NumericSpec => ({ kind: "int", min, max, log, step });

describe("search space", () => {
  it("enumerates grids, first key slowest, with clean stepped floats", () => {
    const space: SearchSpace = [
      ["architecture", { kind: "categorical", values: ["dense", "conv"] }],
      ["hiddenSize", int(2, 6, false, 2)],
    ];
    expect(gridCells(space, (_, s) => gridValues(s) as never)).toEqual([
      { architecture: "dense", hiddenSize: 2 },
      { architecture: "dense", hiddenSize: 4 },
      { architecture: "dense", hiddenSize: 6 },
      { architecture: "conv", hiddenSize: 2 },
      { architecture: "conv", hiddenSize: 4 },
      { architecture: "conv", hiddenSize: 6 },
    ]);
    expect(gridValues({ kind: "float", min: 0, max: 0.5, log: false, step: 0.1 })).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(gridValues(float(0, 1))).toMatch(/needs a step/);
    expect(gridValues(float(1e-4, 1, true))).toMatch(/log distribution/);
  });

  it("draws in range: uniform, log (about half the draws below the geometric mean), ints, steps", () => {
    const rng = new Random(1);
    const logDraws = Array.from({ length: 4000 }, () => drawUniform(float(1e-4, 1, true), rng) as number);
    expect(Math.min(...logDraws)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...logDraws)).toBeLessThanOrEqual(1);
    const belowGeoMean = logDraws.filter((x) => x < 1e-2).length / logDraws.length;
    expect(belowGeoMean).toBeGreaterThan(0.46);
    expect(belowGeoMean).toBeLessThan(0.54);
    const ints = Array.from({ length: 2000 }, () => drawUniform(int(2, 5), rng) as number);
    expect(new Set(ints)).toEqual(new Set([2, 3, 4, 5]));
    const logInts = Array.from({ length: 2000 }, () => drawUniform(int(1, 1000, true), rng) as number);
    expect(logInts.every((x) => Number.isInteger(x) && x >= 1 && x <= 1000)).toBe(true);
    expect(logInts.filter((x) => x <= 31).length / logInts.length).toBeGreaterThan(0.4);
    const stepped = Array.from({ length: 500 }, () => drawUniform({ kind: "float", min: 0, max: 1, log: false, step: 0.25 }, rng));
    expect(new Set(stepped)).toEqual(new Set([0, 0.25, 0.5, 0.75, 1]));
    expect(snap(int(2, 64), 70.2)).toBe(64);
  });

  it("draws trial k the same way whatever happened before (the state is the seed and the count)", () => {
    const space: SearchSpace = [
      ["lr", float(1e-4, 1e-1, true)],
      ["arch", { kind: "categorical", values: ["a", "b", "c"] }],
    ];
    expect(sampleRandom(space, 7, 3)).toEqual(sampleRandom(space, 7, 3));
    expect(sampleRandom(space, 7, 3)).not.toEqual(sampleRandom(space, 7, 4));
    expect(sampleRandom(space, 8, 3)).not.toEqual(sampleRandom(space, 7, 3));
  });
});

describe("Optuna's Parzen estimator", () => {
  it("gives the σ Optuna computes by hand: neighbour gaps, inner gaps at the ends, magic clip, prior σ = range", () => {
    // low 0, high 10, observations 2, 3, 7 (prior at 5): sorted 0|2 3 5 7|10, gaps 2 1 2 2 3.
    // Interior σ = max(left, right gap) = 2, 2, 2, 3; ends use their inner gap: 2→1, 7→2; clip to ≥ 10/5 = 2; prior 10.
    expect(kernelSigmas([2, 3, 7], 0, 10)).toEqual([2, 2, 2, 10]);
    // 30 coincident observations (and the prior) at 5: every inner gap is 0, so σ is the clip, 10 / (1 + 31).
    const mus = Array.from({ length: 30 }, () => 5);
    const sigmas = kernelSigmas(mus, 0, 10);
    expect(sigmas.slice(0, -1).every((sd) => Math.abs(sd - 10 / 32) < 1e-12)).toBe(true);
    expect(sigmas.at(-1)).toBe(10);
  });

  it("weights: flat below 25 observations, then a ramp 1/n … 1 over the older ones", () => {
    expect(defaultWeights(3)).toEqual([1, 1, 1]);
    const w = defaultWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30, 12);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w.slice(5)).toEqual(Array.from({ length: 25 }, () => 1));
  });

  it("is a normalised density (continuous) and a normalised mass (stepped, categorical)", () => {
    const k = buildKernels(float(0, 1), [0.2, 0.25, 0.9], [1, 1, 1]);
    let integral = 0;
    for (let x = 0.00005; x < 1; x += 0.0001) integral += Math.exp(logDensity(k, x)) * 0.0001;
    expect(integral).toBeCloseTo(1, 3);
    const stepped = buildKernels(int(1, 8), [2, 3], [1, 1]);
    const mass = [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, v) => s + Math.exp(logDensity(stepped, v)), 0);
    expect(mass).toBeCloseTo(1, 9);
    const cat = buildKernels({ kind: "categorical", values: ["a", "b", "c"] }, ["b", "b"], [1, 1]);
    const p = [0, 1, 2].map((i) => Math.exp(logDensity(cat, i)));
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // Kernels: 2 observed ones (1/3 + 1 on b, 1/3 elsewhere, normalised by 2) and the uniform prior, weighted 1/3 each.
    expect(p[1]).toBeCloseTo((2 / 3) * (4 / 3 / 2) + (1 / 3) * (1 / 3), 9);
    const rng = new Random(3);
    const draws = Array.from({ length: 3000 }, () => sampleKernels(k, rng));
    expect(draws.every((x) => x >= 0 && x <= 1)).toBe(true);
    // Most of l's mass sits near the observations 0.2 and 0.25.
    expect(draws.filter((x) => x < 0.5).length / draws.length).toBeGreaterThan(0.55);
  });
});

describe("TPE", () => {
  const space: SearchSpace = [
    ["x", float(-5, 5)],
    ["lr", float(1e-5, 1, true)],
    ["arch", { kind: "categorical", values: ["good", "bad", "worse"] }],
    ["depth", int(1, 6)],
  ];
  // A smooth objective with its minimum at x = 1.3, lr = 1e-3, arch = good, depth = 4.
  const objective = (p: Record<string, unknown>) =>
    ((p.x as number) - 1.3) ** 2 +
    (Math.log10(p.lr as number) + 3) ** 2 +
    ({ good: 0, bad: 1, worse: 3 } as Record<string, number>)[p.arch as string] +
    0.5 * ((p.depth as number) - 4) ** 2;

  function run(method: "tpe" | "random", seed: number, trials: number): number[] {
    const obs: Observation[] = [];
    for (let i = 1; i <= trials; i++) {
      const params = method === "tpe" ? sampleTpe(space, seed, i, obs) : sampleRandom(space, seed, i);
      obs.push({ index: i, params, status: "finished", value: objective(params) });
    }
    return obs.map((o) => o.value!);
  }

  it("starts with the same random trials, then finds better ones than random search on every one of 8 seeds", () => {
    let tpeWins = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const tpe = run("tpe", seed, 60);
      const random = run("random", seed, 60);
      expect(tpe.slice(0, 10)).toEqual(random.slice(0, 10));
      if (Math.min(...tpe) < Math.min(...random)) tpeWins++;
      // Later TPE trials concentrate near the optimum: their median beats the random startup's.
      const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
      expect(sorted(tpe.slice(40))[10]).toBeLessThan(sorted(tpe.slice(0, 10))[5]);
    }
    expect(tpeWins).toBe(8);
  });

  it("is deterministic given the seed, the index and the observations", () => {
    const obs: Observation[] = Array.from({ length: 12 }, (_, i) => {
      const params = sampleRandom(space, 5, i + 1);
      return { index: i + 1, params, status: "finished" as const, value: objective(params) };
    });
    expect(sampleTpe(space, 5, 13, obs)).toEqual(sampleTpe(space, 5, 13, [...obs].reverse()));
    expect(sampleTpe(space, 5, 13, obs)).not.toEqual(sampleTpe(space, 6, 13, obs));
  });

  it("ranks finished trials first, then pruned ones by epochs reached, failed ones last; γ as Optuna's", () => {
    const o = (index: number, status: Observation["status"], extra: Partial<Observation> = {}): Observation => ({ index, params: {}, status, ...extra });
    const ranked = rankObservations([
      o(1, "failed"),
      o(2, "pruned", { prunedEpoch: 1, prunedValue: 0.1 }),
      o(3, "finished", { value: 0.5 }),
      o(4, "pruned", { prunedEpoch: 3, prunedValue: 0.9 }),
      o(5, "finished", { value: 0.2 }),
      o(6, "pruned", { prunedEpoch: 3, prunedValue: 0.4 }),
    ]);
    expect(ranked.map((r) => r.index)).toEqual([5, 3, 6, 4, 2, 1]);
    expect([1, 10, 11, 100, 1000].map((n) => belowCount(n, 0.1))).toEqual([1, 1, 2, 10, 25]);
  });
});
