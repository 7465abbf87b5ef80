import { Random, gatherRows, initializeWeights, meanImageBaseline, presetSpec, sliceBatch, type Float32Tensor } from "@aelab/core";
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests use real MNIST from @aelab/data, a dev dependency only
import { loadMnist, splitDataset } from "@aelab/data";
import { describe, expect, it } from "vitest";
import { createTfjsBackend } from "./index.ts";
import { ADAM, newTrainer } from "./internal/test-support.ts";

describe("training the conv preset on real MNIST on tfjs-wasm", () => {
  it("beats the mean-image baseline on held-out digits after 2 epochs on 2,400 digits", async () => {
    const { train, validation } = splitDataset(loadMnist(), { validationFraction: 0.1, seed: 42 });
    const trainSet = sliceBatch(train, 0, 2400);
    const baseline = meanImageBaseline(trainSet, validation).mse;

    const backend = createTfjsBackend("wasm");
    await backend.init();
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 32 });
    expect(backend.supports(spec, "train")).toEqual({ ok: true, missing: [] });
    const trainer = await newTrainer(backend, { spec, weights: initializeWeights(spec, 42), optimizer: { ...ADAM, learningRate: 5e-3 }, seed: 42 });

    const rng = new Random(42);
    const batchSize = 16;
    const losses: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = rng.permutation(trainSet.shape[0]);
      for (let start = 0; start < order.length; start += batchSize) {
        losses.push(await trainer.trainBatch(gatherRows(trainSet, order.subarray(start, start + batchSize))));
      }
    }
    let mse = 0;
    let count = 0;
    for (let start = 0; start < validation.shape[0]; start += 250) {
      const batch: Float32Tensor = sliceBatch(validation, start, Math.min(start + 250, validation.shape[0]));
      const sums = await trainer.evaluate(batch);
      mse += sums.mse;
      count += sums.count;
    }
    await trainer.dispose();
    const validationMse = mse / count;
    console.log(`conv h32, 2 epochs x 2,400 digits: validation MSE ${validationMse.toFixed(4)} vs mean-image baseline ${baseline.toFixed(4)}`);

    expect(losses.every(Number.isFinite)).toBe(true);
    expect(count).toBe(1000);
    expect(baseline).toBeGreaterThan(0.06); // MNIST's mean image leaves about 0.067
    expect(baseline).toBeLessThan(0.075);
    expect(validationMse).toBeLessThan(baseline);
    expect(validationMse).toBeLessThan(0.055);
  }, 180_000);
});
