/**
 * Dropout, the VAE, score and generate on tfjs: each training step checked
 * against the same step written out by hand in float64 over the same seeded
 * draws (`drawTrainingRandomness`), and gradients against finite differences.
 */
import {
  Random,
  autoencoderSpecSchema,
  drawTrainingRandomness,
  generate,
  inferShapes,
  initializeWeights,
  perSampleBce,
  perSampleMse,
  presetSpec,
  weightsMap,
  type AutoencoderSpec,
  type Backend,
  type Float32Tensor,
  type NeutralWeights,
} from "@aelab/core";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { createTfjsBackend } from "./index.ts";
import { ADAM, newTrainer, patterned } from "./internal/test-support.ts";

const backends: Record<"wasm" | "cpu", Backend> = { wasm: createTfjsBackend("wasm"), cpu: createTfjsBackend("cpu") };
beforeAll(async () => {
  await backends.wasm.init();
  await backends.cpu.init();
});

const SGD1 = { ...ADAM, name: "sgd" as const, learningRate: 1 };
const unit = (t: Float32Tensor): Float32Tensor => ({ data: t.data.map((v) => (v + 1) / 2), shape: t.shape });

/** y = x·W + b for one sample, in float64. */
function dense(x: number[], w: NeutralWeights, id: string): number[] {
  const m = weightsMap(w);
  const k = must(m.get(`${id}.kernel`), id);
  const b = must(m.get(`${id}.bias`), id);
  const units = k.shape[1];
  return Array.from({ length: units }, (_, j) => x.reduce((s, v, i) => s + v * k.data[i * units + j], b.data[j]));
}
function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const bce = (t: number[], p: number[]) => -t.reduce((s, ti, i) => s + ti * Math.log(p[i]) + (1 - ti) * Math.log(1 - p[i]), 0) / t.length;

describe.each(["wasm", "cpu"] as const)("dropout on tfjs-%s", (kind) => {
  const spec = autoencoderSpecSchema.parse({
    input: { shape: [5] },
    encoder: [
      { type: "dense", units: 4, activation: "linear" },
      { type: "dropout", rate: 0.5 },
    ],
    decoder: [{ type: "dense", units: 5, activation: "linear" }],
  });
  const weights = initializeWeights(spec, 3);
  const batch = patterned([6, 5], 9);

  it("is the identity at inference: same reconstruction as the model without the dropout layer", async () => {
    const plain = autoencoderSpecSchema.parse({ ...spec, encoder: [spec.encoder[0]] });
    const [a, b] = [await backends[kind].createModel({ spec, weights }), await backends[kind].createModel({ spec: plain, weights })];
    expect(Array.from((await a.reconstruct(batch)).data)).toEqual(Array.from((await b.reconstruct(batch)).data));
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it("trains on the seeded mask: the first step's loss is the hand-computed masked MSE", async () => {
    const draws = drawTrainingRandomness(spec, inferShapes(spec), batch.data, 6, new Random(11));
    const mask = must(draws.dropout.get("encoder.1"), "mask");
    expect(new Set(mask)).toEqual(new Set([0, 2]));
    let expected = 0;
    for (let i = 0; i < 6; i++) {
      const x = Array.from(batch.data.subarray(i * 5, i * 5 + 5));
      const h = dense(x, weights, "encoder.0").map((v, j) => v * mask[i * 4 + j]);
      const y = dense(h, weights, "decoder.0");
      expected += y.reduce((s, v, j) => s + (v - x[j]) ** 2, 0) / 5 / 6;
    }
    const trainer = await newTrainer(backends[kind], { spec, weights, optimizer: SGD1, seed: 11 });
    expect(await trainer.trainBatch(batch)).toBeCloseTo(expected, 5);
    const clean = await trainer.evaluate(batch);
    expect(clean.loss).toBeCloseTo(clean.mse, 6); // evaluation has no dropout
    await trainer.dispose();
  });
});

describe("the VAE on tfjs", () => {
  const spec = autoencoderSpecSchema.parse({
    input: { shape: [3] },
    encoder: [{ type: "dense", units: 2, activation: "linear" }],
    decoder: [{ type: "dense", units: 3, activation: "sigmoid" }],
    loss: "bce",
    variational: { beta: 0.5 },
  });
  const batch = unit(patterned([4, 3], 21));

  /** The first step's loss by hand: bce(x, σ(zWd+bd)) + β·KL/D with z = μ + exp(½ lv)·ε. */
  function handLoss(w: NeutralWeights, seed: number): number {
    const { epsilon } = drawTrainingRandomness(spec, inferShapes(spec), batch.data, 4, new Random(seed));
    let total = 0;
    for (let i = 0; i < 4; i++) {
      const x = Array.from(batch.data.subarray(i * 3, i * 3 + 3));
      const mu = dense(x, w, "encoder.0");
      const lv = dense(x, w, "encoder.0.logvar");
      const z = mu.map((m, j) => m + Math.exp(0.5 * lv[j]) * must(epsilon, "ε")[i * 2 + j]);
      const p = dense(z, w, "decoder.0").map(sigmoid);
      const kl = -0.5 * mu.reduce((s, m, j) => s + 1 + lv[j] - m * m - Math.exp(lv[j]), 0);
      total += (bce(x, p) + (0.5 * kl) / 3) / 4;
    }
    return total;
  }

  // Non-zero biases so every term matters.
  const weights = initializeWeights(spec, 5);
  for (const t of weights.tensors) if (t.name.endsWith("bias")) t.data.set(t.data.map((_, i) => 0.1 * (i + 1)));

  it.each(["wasm", "cpu"] as const)(
    "the step on %s is the hand-computed negative ELBO per value, and its gradient matches finite differences",
    async (kind) => {
      const trainer = await newTrainer(backends[kind], { spec, weights, optimizer: SGD1, seed: 8 });
      expect(await trainer.trainBatch(batch)).toBeCloseTo(handLoss(weights, 8), 5);
      // SGD with learning rate 1: new − old = −gradient, for every parameter including the log-variance head.
      const after = weightsMap(await trainer.getWeights());
      await trainer.dispose();
      for (const name of ["encoder.0.logvar.bias", "encoder.0.logvar.kernel", "encoder.0.bias", "decoder.0.kernel"]) {
        const before = must(weightsMap(weights).get(name), name);
        for (let i = 0; i < before.data.length; i++) {
          const h = 1e-4;
          const bump = (d: number) => {
            const w = structuredClone(weights);
            must(weightsMap(w).get(name), name).data[i] += d;
            return handLoss(w, 8);
          };
          const numeric = (bump(h) - bump(-h)) / (2 * h);
          const tfGrad = before.data[i] - must(after.get(name), name).data[i];
          expect(Math.abs(tfGrad - numeric), `${name}[${i}] on ${kind}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(numeric)));
        }
      }
    },
  );

  it("evaluates deterministically on the mean and reports the KL", async () => {
    const trainer = await newTrainer(backends.cpu, { spec, weights, optimizer: SGD1, seed: 8 });
    const sums = await trainer.evaluate(batch);
    let kl = 0;
    for (let i = 0; i < 4; i++) {
      const x = Array.from(batch.data.subarray(i * 3, i * 3 + 3));
      const [mu, lv] = [dense(x, weights, "encoder.0"), dense(x, weights, "encoder.0.logvar")];
      kl += -0.5 * mu.reduce((s, m, j) => s + 1 + lv[j] - m * m - Math.exp(lv[j]), 0);
    }
    expect(sums.kl).toBeCloseTo(kl, 4);
    expect(sums.loss).toBeCloseTo(sums.bce + (0.5 * kl) / 3, 4);
    expect(await trainer.evaluate(batch)).toEqual(sums);
    await trainer.dispose();
  });
});

describe("seeded training with dropout, noise and a VAE", () => {
  const spec: AutoencoderSpec = autoencoderSpecSchema.parse({
    ...presetSpec("vae", { inputShape: [4, 4, 1], hiddenSize: 2 }),
    noise: { type: "gaussian", stddev: 0.3, clip: [0, 1] },
  });
  spec.decoder.splice(1, 0, { type: "dropout", rate: 0.25 });
  const batch = unit(patterned([8, 4, 4, 1], 4));

  async function losses(kind: "wasm" | "cpu"): Promise<{ losses: number[]; weights: NeutralWeights }> {
    const trainer = await newTrainer(backends[kind], { spec, weights: initializeWeights(spec, 2), optimizer: ADAM, seed: 6 });
    const out: number[] = [];
    for (let i = 0; i < 5; i++) out.push(await trainer.trainBatch(batch));
    const weights = await trainer.getWeights();
    await trainer.dispose();
    return { losses: out, weights };
  }

  it.each(["wasm", "cpu"] as const)("leaks no tensors on %s over a trainer's and a model's whole life", async (kind) => {
    const before = tf.memory().numTensors;
    const trainer = await newTrainer(backends[kind], { spec, weights: initializeWeights(spec, 2), optimizer: ADAM, seed: 6 });
    for (let i = 0; i < 3; i++) await trainer.trainBatch(batch);
    trainer.setLearningRate(1e-4);
    await trainer.evaluate(batch);
    const model = await backends[kind].createModel({ spec, weights: await trainer.getWeights() });
    await model.score(batch);
    await generate(model, spec, { mode: "prior", count: 3, seed: 1 });
    await Promise.all([trainer.dispose(), model.dispose()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gives identical losses and weights on cpu for the same seed, and the same losses on wasm to 1e-5", async () => {
    const [a, b, w] = [await losses("cpu"), await losses("cpu"), await losses("wasm")];
    expect(a).toEqual(b);
    expect(a.losses.every(Number.isFinite)).toBe(true);
    w.losses.forEach((l, i) => expect(Math.abs(l - a.losses[i])).toBeLessThan(1e-5));
  });
});

describe("score and generate", () => {
  it.each(["wasm", "cpu"] as const)("score on %s is core's per-sample MSE/BCE of the reconstruction", async (kind) => {
    const spec = presetSpec("dense", { inputShape: [4, 4, 1], hiddenSize: 3, loss: "bce" });
    const model = await backends[kind].createModel({ spec, weights: initializeWeights(spec, 1) });
    const x = unit(patterned([7, 4, 4, 1], 3));
    const recon = await model.reconstruct(x);
    const expectClose = (a: Float32Array, b: Float32Array) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-6 * Math.max(1, b[i])));
    expectClose(await model.score(x), perSampleBce(x, recon));
    expectClose(await model.score(x, "mse"), perSampleMse(x, recon));
    await expect(model.score(x, "mae" as "mse")).rejects.toThrow('score metric must be "mse" or "bce". Received: "mae"');
    await model.dispose();
  });

  it("decodes VAE prior samples and interpolations to the input shape", async () => {
    const spec = presetSpec("vae", { inputShape: [28, 28, 1], hiddenSize: 2 });
    const model = await backends.wasm.createModel({ spec, weights: initializeWeights(spec, 1) });
    const samples = await generate(model, spec, { mode: "prior", count: 9, seed: 4 });
    expect(samples.shape).toEqual([9, 28, 28, 1]);
    expect(samples.data.every((v) => v > 0 && v < 1)).toBe(true);
    const one = (s: number) => unit(patterned([1, 28, 28, 1], s));
    expect((await generate(model, spec, { mode: "interpolate", from: one(1), to: one(2), steps: 5 })).shape).toEqual([5, 28, 28, 1]);
    await model.dispose();
  });
});
