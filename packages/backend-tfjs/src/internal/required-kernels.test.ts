import * as tf from "@tensorflow/tfjs-core";
import { autoencoderSpecSchema, initializeWeights, presetSpec, type AutoencoderSpec, type AutoencoderSpecInput, type OptimizerConfig } from "@aelab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { createTfjsBackend } from "../tfjs-backend.ts";
import { missingKernels, requiredKernels } from "./required-kernels.ts";
import { ADAM, newTrainer, patterned } from "./test-support.ts";

const shape = [8, 8, 1];
const flatDense = (extra: Partial<AutoencoderSpecInput>, activation = "linear") =>
  autoencoderSpecSchema.parse({
    input: { shape },
    encoder: [{ type: "flatten" }, { type: "dense", units: 3, activation }],
    decoder: [
      { type: "dense", units: 64, activation: "sigmoid" },
      { type: "reshape", targetShape: shape },
    ],
    ...extra,
  });

const specs: Record<string, AutoencoderSpec> = {
  dense: presetSpec("dense", { inputShape: shape, hiddenSize: 3 }),
  conv: presetSpec("conv", { inputShape: shape, hiddenSize: 3 }),
  "seed-conv": presetSpec("seed-conv", { inputShape: shape, hiddenSize: 3 }),
  "pooling, upsampling, strides and valid pads": autoencoderSpecSchema.parse({
    input: { shape },
    encoder: [
      { type: "conv2d", filters: 2, strides: 2, padding: "valid", activation: "tanh" },
      { type: "maxPool2d", padding: "same" },
    ],
    decoder: [
      { type: "upSampling2d", size: 3 },
      { type: "conv2dTranspose", filters: 1, kernelSize: 3, strides: 1, padding: "valid", activation: "linear" },
    ],
  }),
  "bce with every penalty and gaussian noise": flatDense(
    { loss: "bce", regularization: { l1: 0.01, l2: 0.01, activityL1: 0.01 }, noise: { type: "gaussian", stddev: 0.1 } },
    "gelu",
  ),
  "dropout and a VAE (β = 0.5) with masking noise": autoencoderSpecSchema.parse({
    input: { shape },
    encoder: [{ type: "flatten" }, { type: "dense", units: 6 }, { type: "dropout", rate: 0.3 }, { type: "dense", units: 2, activation: "linear" }],
    decoder: [
      { type: "dense", units: 6 },
      { type: "dropout", rate: 0.5 },
      { type: "dense", units: 64, activation: "sigmoid" },
      { type: "reshape", targetShape: shape },
    ],
    loss: "bce",
    variational: { beta: 0.5 },
    noise: { type: "masking", rate: 0.2 },
  }),
  ...Object.fromEntries(["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid"].map((a) => [`${a} activation`, flatDense({}, a)])),
};

const optimizers: OptimizerConfig[] = [ADAM, { ...ADAM, name: "sgd" }, { ...ADAM, name: "sgd", momentum: 0.9 }, { ...ADAM, name: "rmsprop", momentum: 0.5 }];

describe.each(["wasm", "cpu"] as const)("the kernel table against kernels that really run on tfjs-%s", (kind) => {
  const backend = createTfjsBackend(kind);
  const tfName = kind;
  beforeAll(() => backend.init());

  /** Names of registered kernels run by `f` (customGrad wrappers have no kernel name). */
  async function kernelsRun(f: () => Promise<void>): Promise<string[]> {
    const info = await tf.profile(async () => {
      await f();
      return [];
    });
    return [...new Set(info.kernelNames)].filter((name) => tf.getKernel(name, tfName) !== undefined).sort();
  }

  it.each(Object.keys(specs))("%s", async (name) => {
    const spec = specs[name];
    const batch = patterned([3, ...shape], 5);
    const x = { data: batch.data.map((v) => (v + 1) / 2), shape: batch.shape };
    const weights = initializeWeights(spec, 1);
    const options = { fast: true, compositeConv2dBackpropFilter: kind === "wasm" };
    const train = requiredKernels(spec, "train", options);
    for (const optimizer of optimizers) {
      const trainer = await newTrainer(backend, { spec, weights, optimizer, seed: 1 });
      const ran = await kernelsRun(async () => {
        await trainer.trainBatch(x);
        await trainer.trainBatch(x);
        await trainer.evaluate(x);
      });
      await trainer.dispose();
      expect(
        ran.filter((k) => !train.has(k)),
        `${optimizer.name} training`,
      ).toEqual([]);
    }
    const infer = requiredKernels(spec, "infer", options);
    const model = await backend.createModel({ spec, weights });
    const ran = await kernelsRun(async () => {
      await model.reconstruct(x);
      await model.decode(await model.encode(x));
    });
    await model.dispose();
    expect(
      ran.filter((k) => !infer.has(k)),
      "inference",
    ).toEqual([]);
  });
});

describe("missingKernels", () => {
  it("names each missing kernel, the tfjs backend and the layer that needs it", () => {
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 8 });
    const needed = requiredKernels(spec, "train");
    const available = new Set([...needed.keys()].filter((k) => k !== "Conv2DBackpropFilter"));
    expect(missingKernels(needed, available, "wasm")).toEqual([
      "kernel 'Conv2DBackpropFilter' is not registered for tfjs backend 'wasm' (needed by encoder.0 conv2d gradient)",
    ]);
    expect(missingKernels(requiredKernels(spec, "infer"), available, "wasm")).toEqual([]);
  });
});
