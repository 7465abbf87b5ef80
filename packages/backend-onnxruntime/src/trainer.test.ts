/**
 * The ONNX Runtime trainer on both entries (onnxruntime-node and
 * onnxruntime-web): each step's loss is the float64 reference loss over the
 * same seeded draws, the two entries take the same steps, evaluation sums match
 * the reference, weights come back in the neutral layout, the learning rate
 * changes between steps, and unsupported specs are refused before training.
 */
import {
  Random,
  autoencoderSpecSchema,
  drawTrainingRandomness,
  inferShapes,
  perSampleBce,
  perSampleMse,
  presetSpec,
  weightsMap,
  type AutoencoderSpec,
  type Backend,
  type NeutralWeights,
  type OptimizerConfig,
  type TrainerHandler,
} from "@aelab/core";
import { randomTensor, referenceForward, referenceTrainingLoss, testWeights } from "@aelab/onnx/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createOnnxruntimeBackend } from "./index.ts";
import { createOnnxruntimeWebBackend } from "./web.ts";

const ADAM: OptimizerConfig = { name: "adam", learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 };
const SGD: OptimizerConfig = { ...ADAM, name: "sgd", learningRate: 0.5 };
const backends: Record<"node" | "web", Backend> = { node: createOnnxruntimeBackend({ threads: 1 }), web: createOnnxruntimeWebBackend({ threads: 1 }) };
beforeAll(async () => {
  await backends.node.init();
  await backends.web.init();
});

function trainer(backend: Backend, spec: AutoencoderSpec, weights: NeutralWeights, optimizer: OptimizerConfig, seed: number): Promise<TrainerHandler> {
  if (!backend.createTrainer) throw new Error(`${backend.name} cannot train`);
  return backend.createTrainer({ spec, weights, optimizer, seed });
}

const SPECS: [string, AutoencoderSpec][] = [
  ["dense", presetSpec("dense", { inputShape: [8, 8, 1], hiddenSize: 4 })],
  ["seed-conv", presetSpec("seed-conv", { inputShape: [8, 8, 1], hiddenSize: 4 })],
  ["denoising", presetSpec("denoising", { inputShape: [8, 8, 1], hiddenSize: 4 })],
  ["vae", presetSpec("vae", { inputShape: [8, 8, 1], hiddenSize: 4 })],
  [
    "conv with dropout and penalties",
    autoencoderSpecSchema.parse({
      name: "dropout-conv",
      input: { shape: [6, 6, 2] },
      encoder: [
        { type: "conv2d", filters: 3, kernelSize: 3, activation: "elu" },
        { type: "dropout", rate: 0.3 },
        { type: "maxPool2d", poolSize: 2 },
        { type: "flatten" },
        { type: "dense", units: 4, activation: "relu" },
      ],
      decoder: [
        { type: "dense", units: 27, activation: "gelu" },
        { type: "reshape", targetShape: [3, 3, 3] },
        { type: "upSampling2d", size: 2 },
        { type: "conv2dTranspose", filters: 2, kernelSize: 3, strides: 1, activation: "sigmoid" },
      ],
      loss: "bce",
      regularization: { l1: 1e-3, l2: 1e-3, activityL1: 1e-3 },
    }),
  ],
];

describe.each(SPECS)("the trainer on %s", (_name, spec) => {
  const weights = testWeights(spec, 7);
  const batches = [0, 1, 2].map((k) => randomTensor([5, ...spec.input.shape], 40 + k));

  it.each(["node", "web"] as const)("%s: the first step's loss is the float64 reference loss over the same draws", async (entry) => {
    const t = await trainer(backends[entry], spec, weights, SGD, 3);
    const draws = drawTrainingRandomness(spec, inferShapes(spec), batches[0].data, 5, new Random(3));
    const input = draws.input ? { data: draws.input, shape: batches[0].shape } : batches[0];
    const expected = referenceTrainingLoss({ spec, weights, input, target: batches[0], masks: draws.dropout, epsilon: draws.epsilon });
    expect(Math.abs((await t.trainBatch(batches[0])) - expected)).toBeLessThan(1e-5 * Math.max(1, expected));
    await t.dispose();
  });

  // SGD with momentum: the update is linear in the gradient, so float32 differences stay float32-small
  // (Adam's first steps are ±lr·sign(g), which flips for gradients that are zero up to rounding).
  it("node and web take the same steps (SGD with momentum), and the weights move", async () => {
    const losses: Record<string, number[]> = { node: [], web: [] };
    const final: Record<string, NeutralWeights> = {};
    for (const entry of ["node", "web"] as const) {
      const t = await trainer(backends[entry], spec, weights, { ...SGD, learningRate: 0.05, momentum: 0.9 }, 5);
      for (const b of batches) losses[entry].push(await t.trainBatch(b));
      final[entry] = await t.getWeights();
      await t.dispose();
    }
    for (let k = 0; k < batches.length; k++) expect(Math.abs(losses.web[k] - losses.node[k])).toBeLessThan(1e-5 * Math.max(1, losses.node[k]));
    const web = weightsMap(final.web);
    for (const t of final.node.tensors) {
      const w = (web.get(t.name) as NeutralWeights["tensors"][number]).data;
      const worst = t.data.reduce((m, v, i) => Math.max(m, Math.abs(v - w[i]) / Math.max(1e-4 * Math.abs(v), 1e-6)), 0);
      expect(worst, t.name).toBeLessThanOrEqual(1);
      const start = (weightsMap(weights).get(t.name) as NeutralWeights["tensors"][number]).data;
      expect(
        t.data.some((v, i) => v !== start[i]),
        `${t.name} moved`,
      ).toBe(true);
    }
  });

  it("evaluates without noise or dropout, decoding a VAE's mean: the reference reconstruction's sums", async () => {
    const t = await trainer(backends.node, spec, weights, ADAM, 1);
    const x = batches[1];
    const sums = await t.evaluate(x);
    await t.dispose();
    const y = referenceForward({ spec, weights, part: "full", input: x });
    const total = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sums.count).toBe(5);
    expect(sums.mse).toBeCloseTo(total(perSampleMse(x, y)), 4);
    expect(sums.bce).toBeCloseTo(total(perSampleBce(x, y)), 4);
    expect(sums.loss).toBeCloseTo(5 * referenceTrainingLoss({ spec, weights, input: x }), 3);
    expect("kl" in sums).toBe(spec.variational !== undefined);
  });
});

describe("trainer contract", () => {
  const spec = presetSpec("conv", { inputShape: [8, 8, 1], hiddenSize: 3 });
  const weights = testWeights(spec, 2);

  it("returns the initial weights unchanged in the neutral layout before any step", async () => {
    const t = await trainer(backends.node, spec, weights, ADAM, 1);
    expect(await t.getWeights()).toEqual(weights);
    await t.dispose();
  });

  it("applies a new learning rate from the next step (SGD: the update scales with it)", async () => {
    const deltas: number[] = [];
    for (const lr of [0.5, 0.125]) {
      const t = await trainer(backends.node, spec, weights, SGD, 1);
      if (lr !== SGD.learningRate) t.setLearningRate(lr);
      await t.trainBatch(randomTensor([4, 8, 8, 1], 1));
      const after = weightsMap(await t.getWeights()).get("decoder.4.bias") as NeutralWeights["tensors"][number];
      deltas.push(after.data[0] - (weightsMap(weights).get("decoder.4.bias") as NeutralWeights["tensors"][number]).data[0]);
      await t.dispose();
    }
    expect(deltas[0]).not.toBe(0);
    expect(deltas[1] / deltas[0]).toBeCloseTo(0.25, 5);
    const t = await trainer(backends.node, spec, weights, SGD, 1);
    expect(() => t.setLearningRate(0)).toThrow(/learningRate must be a positive finite number\. Received: learningRate=0/);
    await t.dispose();
  });

  it("refuses batches of the wrong shape and calls after dispose", async () => {
    const t = await trainer(backends.node, spec, weights, ADAM, 1);
    await expect(t.trainBatch(randomTensor([2, 784], 1))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/Received: shape \[2,784\]$/),
    });
    await expect(t.evaluate(randomTensor([2, 8, 8, 2], 1))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await t.dispose();
    await expect(t.trainBatch(randomTensor([2, 8, 8, 1], 1))).rejects.toMatchObject({
      message: expect.stringMatching(/disposed\. Received: trainBatch\(\) after dispose\(\)/),
    });
  });

  it("trains a whole batch after a partial one (the batch axis is dynamic)", async () => {
    const t = await trainer(backends.node, spec, weights, ADAM, 1);
    expect(Number.isFinite(await t.trainBatch(randomTensor([3, 8, 8, 1], 1)))).toBe(true);
    expect(Number.isFinite(await t.trainBatch(randomTensor([16, 8, 8, 1], 2)))).toBe(true);
    await t.dispose();
  });

  it("refuses a layer without a training rule before training, naming it", async () => {
    const bad = { ...spec, decoder: [...spec.decoder.slice(0, 2), { type: "lstm", units: 3 }, ...spec.decoder.slice(2)] } as unknown as AutoencoderSpec;
    const report = backends.node.supports(bad, "train");
    expect(report.ok).toBe(false);
    expect(report.missing.join("\n")).toMatch(/Layer decoder\.2 \(lstm\) has no ONNX training rule.*Received: type="lstm"/);
    await expect(trainer(backends.node, bad, weights, ADAM, 1)).rejects.toMatchObject({ message: expect.stringMatching(/cannot train .*decoder\.2 \(lstm\)/) });
    expect(backends.node.supports(spec, "train")).toEqual({ ok: true, missing: [] });
  });
});

describe("threads", () => {
  it("come from AELAB_ORT_THREADS or the core count, and are reported", async () => {
    const { ortThreadsWanted } = await import("./index.ts");
    expect(ortThreadsWanted(undefined, 2)).toBe(2);
    expect(ortThreadsWanted(" ", 6)).toBe(6);
    expect(ortThreadsWanted("3", 2)).toBe(3);
    expect(() => ortThreadsWanted("0", 2)).toThrow(/AELAB_ORT_THREADS must be an integer from 1 to 256\. Received: "0"/);
    expect(() => ortThreadsWanted("two", 2)).toThrow(/Received: "two"/);
    expect(backends.node.info()).toMatchObject({ name: "onnxruntime", threads: 1, detail: expect.stringMatching(/^onnxruntime-node 1\.30\.0 \[cpu\]/) });
  });
});
