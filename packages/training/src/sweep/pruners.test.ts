import { describe, expect, it } from "vitest";
import { ashaRungs, decidePrune, type PrunerConfig, type TrialCurve } from "./pruners.ts";

const curve = (trialIndex: number, values: number[], finished = true): TrialCurve => ({
  trialIndex,
  finished,
  values: new Map(values.map((v, i) => [i + 1, v])),
});
const own = (values: number[]) => new Map(values.map((v, i) => [i + 1, v]));

describe("median pruner", () => {
  const median: PrunerConfig = { type: "median", startupTrials: 3, warmupEpochs: 1, intervalEpochs: 1 };
  const finished = [curve(1, [1.0, 0.5, 0.3]), curve(2, [1.0, 0.6, 0.4]), curve(3, [1.0, 0.7, 0.5])];

  it("prunes a trial whose best loss so far is above the finished trials' median at that epoch", () => {
    // Median at epoch 2 of 0.5, 0.6, 0.7 is 0.6.
    expect(decidePrune(median, 2, own([0.9, 0.65]), finished)).toMatchObject({ prune: true, reason: expect.stringMatching(/median 0\.6 of 3 finished/) });
    expect(decidePrune(median, 2, own([0.9, 0.6]), finished).prune).toBe(false);
    // Best so far, not the latest: 0.55 at epoch 1 stays under the median even if epoch 2 is worse.
    expect(decidePrune(median, 2, own([0.55, 0.8]), finished).prune).toBe(false);
  });

  it("waits for the warm-up, the startup trials and comparable epochs; running trials do not count", () => {
    expect(decidePrune(median, 1, own([9]), finished).prune).toBe(false);
    expect(decidePrune(median, 2, own([9, 9]), finished.slice(0, 2)).prune).toBe(false);
    expect(decidePrune(median, 2, own([9, 9]), [...finished.slice(0, 2), curve(4, [0.1, 0.1], false)]).prune).toBe(false);
    expect(decidePrune(median, 4, own([9, 9, 9, 9]), finished).prune).toBe(false);
    expect(decidePrune(median, 2, own([0.1, Number.NaN]), []).prune).toBe(true);
  });

  it("checks every intervalEpochs epochs after the warm-up", () => {
    const every2: PrunerConfig = { ...median, warmupEpochs: 0, intervalEpochs: 2 } as PrunerConfig;
    expect(decidePrune(every2, 1, own([9]), finished).prune).toBe(true);
    expect(decidePrune(every2, 2, own([9, 9]), finished).prune).toBe(false);
    expect(decidePrune(every2, 3, own([9, 9, 9]), finished).prune).toBe(true);
  });
});

describe("ASHA (successive halving)", () => {
  const asha: PrunerConfig = { type: "asha", minEpochs: 1, reductionFactor: 3, minEarlyStoppingRate: 0 };

  it("has rungs at minEpochs · η^k", () => {
    expect(ashaRungs(asha, 10)).toEqual([1, 3, 9]);
    expect(ashaRungs({ ...asha, minEpochs: 2, reductionFactor: 2 } as PrunerConfig & { type: "asha" }, 16)).toEqual([2, 4, 8, 16]);
    expect(ashaRungs({ ...asha, minEarlyStoppingRate: 1 } as PrunerConfig & { type: "asha" }, 10)).toEqual([3, 9]);
  });

  it("promotes only the best 1/η of the trials that reached a rung, in any state", () => {
    const others = [curve(1, [0.5, 0.4, 0.3]), curve(2, [0.6]), curve(3, [0.7], false), curve(4, [0.8, 0.7, 0.6]), curve(5, [0.9], false)];
    // Epoch 1: competing 0.5…0.9 and our 0.55 (6 values): the best ⌊6/3⌋ = 2 are 0.5, 0.55 → kept.
    expect(decidePrune(asha, 1, own([0.55]), others).prune).toBe(false);
    // 0.65 is third of 6 → pruned, naming the threshold.
    expect(decidePrune(asha, 1, own([0.65]), others)).toMatchObject({
      prune: true,
      reason: expect.stringMatching(/rung 0 \(epoch 1\).*threshold 0\.55|threshold 0\.6/),
    });
    // Not a rung: never pruned.
    expect(decidePrune(asha, 2, own([0.1, 5]), others).prune).toBe(false);
    // Rung 1 (epoch 3): competing 0.3, 0.6 and ours; fewer than η·2, so only the very best passes.
    expect(decidePrune(asha, 3, own([0.5, 0.4, 0.35]), others).prune).toBe(true);
    expect(decidePrune(asha, 3, own([0.5, 0.4, 0.25]), others).prune).toBe(false);
  });

  it("lets the first trial through every rung", () => {
    expect(decidePrune(asha, 1, own([123]), []).prune).toBe(false);
    expect(decidePrune(asha, 3, own([1, 1, 123]), []).prune).toBe(false);
  });
});
