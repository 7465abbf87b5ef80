import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs-core";
import {
  BackendRegistry,
  ErrorCode,
  PRESET_NAMES,
  autoencoderSpecSchema,
  deserializeWeights,
  inferShapes,
  initializeWeights,
  isAelabError,
  perSampleBce,
  perSampleMse,
  presetSpec,
  serializeWeights,
  sliceBatch,
  type Backend,
  type Float32Tensor,
} from "@aelab/core";
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests use real MNIST from @aelab/data, a dev dependency only
import { loadMnist } from "@aelab/data";
import { beforeAll, describe, expect, it } from "vitest";
import { createTfjsBackend, registerTfjsBackends } from "./index.ts";
import { ADAM, newTrainer, patterned } from "./internal/test-support.ts";

const mnist = loadMnist({ limit: 400 });
const digits = (start: number, end: number) => sliceBatch(mnist.images, start, end);

const backends: Record<"wasm" | "cpu", Backend> = { wasm: createTfjsBackend("wasm"), cpu: createTfjsBackend("cpu") };

beforeAll(async () => {
  await backends.wasm.init();
  await backends.cpu.init();
});

describe.each(["wasm", "cpu"] as const)("tfjs-%s", (kind) => {
  it("reports what runs", () => {
    const info = backends[kind].info();
    expect(info.name).toBe(`tfjs-${kind}`);
    // wasm runs AELAB_WASM_THREADS threads, by default min(2, cores); see wasm-threads.test.ts.
    expect(info.detail).toMatch(kind === "wasm" ? /^tfjs 4\.22\.0 wasm \((simd|no simd), [1-8] threads?\)$/ : /^tfjs 4\.22\.0 cpu \(pure JS, 1 thread\)$/);
    expect(info.detail).toContain(`, ${info.threads} thread`);
  });

  describe.each(PRESET_NAMES)("%s preset", (preset) => {
    const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 12 });
    const { codeShape } = inferShapes(spec);

    it.each([1, 7])("encodes, decodes and reconstructs a batch of %i with the shapes core infers", async (n) => {
      const model = await backends[kind].createModel({ spec, weights: initializeWeights(spec, 1) });
      const x = digits(0, n);
      const code = await model.encode(x);
      expect(code.shape).toEqual([n, ...codeShape]);
      expect(code.data.length).toBe(code.shape.reduce((a, b) => a * b, 1));
      const decoded = await model.decode(code);
      expect(decoded.shape).toEqual([n, 28, 28, 1]);
      const reconstructed = await model.reconstruct(x);
      expect(reconstructed.shape).toEqual([n, 28, 28, 1]);
      expect([...reconstructed.data]).toEqual([...decoded.data]);
      expect(reconstructed.data.every((v) => v >= 0 && v <= 1)).toBe(true); // sigmoid output
      await model.dispose();
    });
  });

  it("refuses a batch of the wrong shape, Keras-style", async () => {
    const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 4 });
    const model = await backends[kind].createModel({ spec, weights: initializeWeights(spec, 1) });
    const bad: Float32Tensor = { data: new Float32Array(784), shape: [784] };
    await expect(model.encode(bad)).rejects.toThrow(/must be a batch of shape \[N,28,28,1\] with N ≥ 1\. Received: shape \[784\]/);
    await model.dispose();
    await expect(model.encode(digits(0, 1))).rejects.toThrow(/disposed/);
  });

  it("leaves tf.memory().numTensors where it found it after a trainer's whole life", async () => {
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const noisy = { ...spec, noise: { type: "gaussian" as const, stddev: 0.1 } };
    const before = tf.memory().numTensors;
    const trainer = await newTrainer(backends[kind], { spec: noisy, weights: initializeWeights(spec, 3), optimizer: ADAM, seed: 3 });
    for (let i = 0; i < 3; i++) await trainer.trainBatch(digits(i * 4, i * 4 + 4));
    trainer.setLearningRate(5e-4);
    await trainer.trainBatch(digits(20, 24));
    await trainer.evaluate(digits(30, 36));
    await trainer.getWeights();
    await trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("leaks no tensors over 3 epochs of real digits, as the training loop drives a trainer (batches, per-epoch evaluation, a learning-rate drop)", async () => {
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const before = tf.memory().numTensors;
    const trainer = await newTrainer(backends[kind], { spec, weights: initializeWeights(spec, 4), optimizer: ADAM, seed: 4 });
    const losses: number[] = [];
    let afterFirst = -1;
    for (let epoch = 0; epoch < 3; epoch++) {
      for (let b = 0; b < 8; b++) losses.push(await trainer.trainBatch(digits(b * 32, b * 32 + 32)));
      const val = await trainer.evaluate(digits(300, 400));
      expect(Number.isFinite(val.loss)).toBe(true);
      if (epoch === 1) trainer.setLearningRate(5e-4);
      // Between epochs nothing may pile up: what the trainer holds is the same after each one.
      if (epoch === 0) afterFirst = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(afterFirst);
    }
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    await trainer.getWeights();
    await trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("returns weights that rebuild the same model: the trainer's evaluation matches the model's reconstruction", async () => {
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const initial = initializeWeights(spec, 5);
    const trainer = await newTrainer(backends[kind], { spec, weights: initial, optimizer: ADAM, seed: 5 });
    for (let i = 0; i < 3; i++) await trainer.trainBatch(digits(i * 8, i * 8 + 8));
    const weights = await trainer.getWeights();
    expect(weights.tensors.map((t) => t.name)).toEqual(initial.tensors.map((t) => t.name));
    expect(weights.tensors.some((t, i) => t.data.some((v, j) => v !== initial.tensors[i].data[j]))).toBe(true);

    const batch = digits(100, 110);
    const sums = await trainer.evaluate(batch);
    const model = await backends[kind].createModel({ spec, weights: deserializeWeights(serializeWeights(weights)) });
    const reconstruction = await model.reconstruct(batch);
    const mse = perSampleMse(batch, reconstruction).reduce((a, b) => a + b, 0);
    const bce = perSampleBce(batch, reconstruction).reduce((a, b) => a + b, 0);
    expect(sums.count).toBe(10);
    expect(sums.mse).toBeCloseTo(mse, 4);
    expect(sums.bce).toBeCloseTo(bce, 3);
    expect(sums.loss).toBeCloseTo(sums.mse, 5); // mse loss, no penalties
    await model.dispose();
    await trainer.dispose();
  });

  it("returns a NaN loss instead of throwing", async () => {
    const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 4 });
    const weights = initializeWeights(spec, 1);
    weights.tensors[0].data[0] = Number.NaN;
    const trainer = await newTrainer(backends[kind], { spec, weights, optimizer: ADAM, seed: 1 });
    expect(await trainer.trainBatch(digits(0, 4))).toBeNaN();
    await trainer.dispose();
  });
});

describe("seeded training on tfjs-cpu", () => {
  it("gives identical losses and weights for the same weights and seed, with noise", async () => {
    const base = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 });
    const spec = { ...base, noise: { type: "masking" as const, rate: 0.3 } };
    const weights = initializeWeights(spec, 9);
    const run = async (seed: number) => {
      const trainer = await newTrainer(backends.cpu, { spec, weights, optimizer: { ...ADAM, name: "rmsprop", momentum: 0.5 }, seed });
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push(await trainer.trainBatch(digits(i * 16, i * 16 + 16)));
      const out = await trainer.getWeights();
      await trainer.dispose();
      return { losses, weights: out };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.losses).toEqual(b.losses);
    expect(a.weights.tensors.map((t) => [...t.data])).toEqual(b.weights.tensors.map((t) => [...t.data]));
    expect(c.losses[0]).not.toBe(a.losses[0]); // the seed drives the noise
  });
});

describe("one tfjs engine, several backends", () => {
  it("lets trainers on wasm and cpu interleave without moving each other's tensors", async () => {
    const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const weights = initializeWeights(spec, 6);
    const run = async (kind: "wasm" | "cpu") => {
      const trainer = await newTrainer(backends[kind], { spec, weights, optimizer: ADAM, seed: 6 });
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) losses.push(await trainer.trainBatch(digits(i * 8, i * 8 + 8)));
      const sums = await trainer.evaluate(digits(50, 60));
      await trainer.dispose();
      return [...losses, sums.loss];
    };
    const alone = [await run("wasm"), await run("cpu")];
    const together = await Promise.all([run("wasm"), run("cpu")]);
    expect(together).toEqual(alone);
  });
});

describe("optimizers and learning rate", () => {
  it.each(["adam", "sgd", "rmsprop"] as const)("%s lowers the loss on a fixed batch, on wasm", async (name) => {
    const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 });
    const optimizer = { ...ADAM, name, learningRate: name === "sgd" ? 2 : 3e-3, momentum: name === "adam" ? 0 : 0.9 };
    const trainer = await newTrainer(backends.wasm, { spec, weights: initializeWeights(spec, 2), optimizer, seed: 2 });
    const batch = digits(0, 32);
    const first = await trainer.trainBatch(batch);
    let last = first;
    for (let i = 0; i < 15; i++) last = await trainer.trainBatch(batch);
    expect(last).toBeLessThan(first * 0.9);
    expect(() => trainer.setLearningRate(0)).toThrow(/learningRate must be a positive finite number\. Received: learningRate=0/);
    await trainer.dispose();
  });

  it("setLearningRate changes the step size", async () => {
    const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 4 });
    const weights = initializeWeights(spec, 4);
    const step = async (lr: number | undefined) => {
      const trainer = await newTrainer(backends.cpu, { spec, weights, optimizer: { ...ADAM, name: "sgd", learningRate: 0.1 }, seed: 1 });
      if (lr !== undefined) trainer.setLearningRate(lr);
      await trainer.trainBatch(digits(0, 8));
      const w = await trainer.getWeights();
      await trainer.dispose();
      return w.tensors[0].data;
    };
    const base = weights.tensors[0].data;
    const [d1, d2] = [await step(undefined), await step(0.2)].map((w) => w.map((v, i) => v - base[i]));
    const i = d1.reduce((best, v, j) => (Math.abs(v) > Math.abs(d1[best]) ? j : best), 0);
    expect(d2[i] / d1[i]).toBeCloseTo(2, 2);
  });
});

describe("supports", () => {
  it("accepts every layer type for training on wasm and cpu", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [8, 8, 1] },
      encoder: [{ type: "conv2d", filters: 2 }, { type: "maxPool2d" }, { type: "flatten" }, { type: "dense", units: 3, activation: "gelu" }],
      decoder: [
        { type: "dense", units: 32 },
        { type: "reshape", targetShape: [4, 4, 2] },
        { type: "upSampling2d" },
        { type: "conv2dTranspose", filters: 1, strides: 1, activation: "sigmoid" },
      ],
    });
    expect(backends.wasm.supports(spec, "train")).toEqual({ ok: true, missing: [] });
    expect(backends.cpu.supports(spec, "train")).toEqual({ ok: true, missing: [] });
  });

  it("reports a backend that is not initialised", () => {
    const spec = presetSpec("dense", { inputShape: [4], hiddenSize: 2 });
    expect(createTfjsBackend("wasm").supports(spec, "infer")).toEqual({ ok: false, missing: ["tfjs-wasm is not initialised; call init() first"] });
  });
});

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
})();

describe("registry", () => {
  it("registers node 30 > wasm 20 > cpu 10 without importing anything", () => {
    const registry = new BackendRegistry();
    const registered = registerTfjsBackends(registry);
    expect(registry.names()).toEqual(["tfjs-node", "tfjs-wasm", "tfjs-cpu"]);
    expect(registered.map((b) => b.info().detail)).toEqual(["tfjs-node (not initialised)", "tfjs-wasm (not initialised)", "tfjs-cpu (not initialised)"]);
  });

  // Declared gap: where tfjs-node is installed this case cannot be exercised.
  it.skipIf(tfjsNodeInstalled)("explains how to install a missing tfjs-node, and auto falls back to wasm", async () => {
    const registry = new BackendRegistry();
    registerTfjsBackends(registry);
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const chosen = await registry.resolve("auto", { purpose: "train", spec });
    expect(chosen.name).toBe("tfjs-wasm");

    const error = await registry.resolve("tfjs-node").catch((e: unknown) => e);
    expect(isAelabError(error, ErrorCode.BackendUnavailable)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("npm install @tensorflow/tfjs-node@4.22.0");
    expect(message).toContain("libtensorflow");
    expect(message).toMatch(/Received: .*@tensorflow\/tfjs-node/);
  });

  it("names the cause when tfjs-node is present but broken", async () => {
    const backend = createTfjsBackend("node", {
      importModule: (specifier) =>
        specifier === "@tensorflow/tfjs-node" ? Promise.reject(new Error("The native addon module (tfjs_binding.node) can not be found")) : import(specifier),
    });
    await expect(backend.init()).rejects.toThrow(
      /npm install @tensorflow\/tfjs-node@4\.22\.0.*Received: The native addon module \(tfjs_binding\.node\) can not be found/,
    );
    await expect(
      backend.createModel({
        spec: presetSpec("dense", { inputShape: [4], hiddenSize: 2 }),
        weights: initializeWeights(presetSpec("dense", { inputShape: [4], hiddenSize: 2 }), 1),
      }),
    ).rejects.toThrow(/not initialised/);
  });
});

describe("input corruption", () => {
  it("trains a denoising spec only on corrupted inputs, and evaluates on clean ones", async () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [6] },
      encoder: [{ type: "dense", units: 3, activation: "linear" }],
      decoder: [{ type: "dense", units: 6, activation: "linear" }],
      noise: { type: "gaussian", stddev: 0.5 },
    });
    const weights = initializeWeights(spec, 1);
    const batch = patterned([5, 6], 2);
    const trainer = await newTrainer(backends.cpu, { spec, weights, optimizer: { ...ADAM, name: "sgd", learningRate: 1e-9 }, seed: 1 });
    const noisyLoss = await trainer.trainBatch(batch);
    const clean = await trainer.evaluate(batch);
    expect(noisyLoss).not.toBeCloseTo(clean.loss / clean.count, 3);
    expect(clean.loss).toBeCloseTo(clean.mse, 5);
    await trainer.dispose();
  });
});
