/**
 * Dropout, the VAE and `score` on both entries (onnxruntime-node and -web), to
 * 1e-5 against the TF.js-semantics reference: dropout is the identity, a VAE's
 * `encode` is the mean (never the log-variance, never a sample), and `score` is
 * core's per-sample MSE/BCE of the reconstruction.
 */
import {
  AelabError,
  autoencoderSpecSchema,
  initializeWeights,
  maxAbsDiff,
  perSampleBce,
  perSampleMse,
  presetSpec,
  type AutoencoderSpec,
  type Backend,
  type ModelHandler,
  type NeutralWeights,
} from "@aelab/core";
import { exportOnnx } from "@aelab/onnx";
import { randomTensor, referenceForward, referenceOutputs, testWeights } from "@aelab/onnx/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxruntimeBackend, loadOnnxModel } from "./index.ts";
import { createOnnxruntimeWebBackend, loadOnnxModel as loadOnnxModelWeb } from "./web.ts";

const TOLERANCE = 1e-5;
const BATCHES = [1, 7, 256];
type LoadBytes = (bytes: Uint8Array, options?: { threads?: number }) => ReturnType<typeof loadOnnxModel>;
const ENTRIES: [string, () => Backend, LoadBytes][] = [
  ["node", () => createOnnxruntimeBackend({ threads: 1 }), loadOnnxModel],
  ["web", () => createOnnxruntimeWebBackend({ threads: 1 }), loadOnnxModelWeb],
];

const vae = presetSpec("vae", { inputShape: [28, 28, 1], hiddenSize: 16 });
const dropout: AutoencoderSpec = autoencoderSpecSchema.parse({
  name: "conv-dropout",
  input: { shape: [12, 12, 1] },
  encoder: [
    { type: "dropout", rate: 0.2 },
    { type: "conv2d", filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" },
    { type: "dropout", rate: 0.5 },
    { type: "flatten" },
    { type: "dense", units: 6, activation: "linear" },
  ],
  decoder: [
    { type: "dense", units: 144, activation: "relu" },
    { type: "dropout", rate: 0.5 },
    { type: "reshape", targetShape: [6, 6, 4] },
    { type: "conv2dTranspose", filters: 1, kernelSize: 3, strides: 2, padding: "same", activation: "sigmoid" },
  ],
});

/** max over samples of |a − b| / |b|. */
function maxRelativeDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
}

async function createModels(spec: AutoencoderSpec, weights: NeutralWeights): Promise<Record<string, ModelHandler>> {
  const models: Record<string, ModelHandler> = {};
  for (const [entry, make] of ENTRIES) {
    const backend = make();
    await backend.init();
    models[entry] = await backend.createModel({ spec, weights });
  }
  return models;
}

describe.each([
  // Seeded initial weights as every backend starts from, and the same with random biases (so bias placement is checked too).
  ["vae preset (28x28x1, hidden 16), initializeWeights", vae, initializeWeights(vae, 42)],
  ["vae preset (28x28x1, hidden 16), random biases", vae, testWeights(vae, 23)],
  ["conv with dropout (12x12x1)", dropout, testWeights(dropout, 29)],
] as const)("%s on both entries", (_name, spec, weights) => {
  let models: Record<string, ModelHandler> = {};
  beforeAll(async () => {
    models = await createModels(spec, weights);
  });
  afterAll(() => Promise.all(Object.values(models).map((m) => m.dispose())));

  it.each(BATCHES)("encode, decode and reconstruct match the reference to 1e-5 at batch %i", async (batch) => {
    const x = randomTensor([batch, ...spec.input.shape], 300 + batch);
    const { output: code, logvar } = referenceOutputs({ spec, weights, part: "encoder", input: x });
    const reconstruction = referenceForward({ spec, weights, part: "full", input: x });
    for (const [entry, model] of Object.entries(models)) {
      const encoded = await model.encode(x);
      expect(encoded.shape, entry).toEqual(code.shape);
      expect(maxAbsDiff(encoded, code), `${entry} encode`).toBeLessThanOrEqual(TOLERANCE);
      // A VAE's encode is the mean, not the log-variance head.
      if (logvar) expect(maxAbsDiff(encoded, logvar), `${entry} encode vs log-variance`).toBeGreaterThan(0.1);
      expect(maxAbsDiff(await model.decode(code), referenceForward({ spec, weights, part: "decoder", input: code })), `${entry} decode`).toBeLessThanOrEqual(
        TOLERANCE,
      );
      expect(maxAbsDiff(await model.reconstruct(x), reconstruction), `${entry} reconstruct`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it("inference is deterministic: the same batch twice gives the same code and reconstruction", async () => {
    const x = randomTensor([4, ...spec.input.shape], 5);
    for (const model of Object.values(models)) {
      expect((await model.encode(x)).data).toEqual((await model.encode(x)).data);
      expect((await model.reconstruct(x)).data).toEqual((await model.reconstruct(x)).data);
    }
  });
});

describe.each([
  ["dense preset (loss mse)", presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 }), "mse"],
  ["vae preset (loss bce)", vae, "bce"],
] as const)("score, %s", (_name, spec, loss) => {
  const weights = testWeights(spec, 41);
  let models: Record<string, ModelHandler> = {};
  beforeAll(async () => {
    models = await createModels(spec, weights);
  });
  afterAll(() => Promise.all(Object.values(models).map((m) => m.dispose())));

  it.each(BATCHES)("is core's perSampleMse/perSampleBce to 1e-6 relative at batch %i, defaulting to the spec's loss", async (batch) => {
    const x = randomTensor([batch, 28, 28, 1], 500 + batch);
    const reference = referenceForward({ spec, weights, part: "full", input: x });
    for (const [entry, model] of Object.entries(models)) {
      const own = await model.reconstruct(x);
      const mse = await model.score(x, "mse");
      const bce = await model.score(x, "bce");
      expect(mse).toHaveLength(batch);
      expect(bce).toHaveLength(batch);
      expect(maxRelativeDiff(mse, perSampleMse(x, own)), `${entry} mse`).toBeLessThanOrEqual(1e-6);
      expect(maxRelativeDiff(bce, perSampleBce(x, own)), `${entry} bce`).toBeLessThanOrEqual(1e-6);
      // And against the reference reconstruction, not just the backend's own.
      expect(maxRelativeDiff(mse, perSampleMse(x, reference)), `${entry} mse vs reference`).toBeLessThanOrEqual(1e-6);
      expect(maxRelativeDiff(bce, perSampleBce(x, reference)), `${entry} bce vs reference`).toBeLessThanOrEqual(1e-6);
      expect(await model.score(x), `${entry} default metric`).toEqual(loss === "mse" ? mse : bce);
    }
  });

  it("clips probabilities like core, so a saturated reconstruction gives a finite BCE", async () => {
    const x = randomTensor([2, 28, 28, 1], 9);
    x.data.fill(1, 0, 784);
    x.data.fill(0, 784);
    for (const model of Object.values(models)) {
      const bce = await model.score(x, "bce");
      expect(bce.every(Number.isFinite)).toBe(true);
      expect(maxRelativeDiff(bce, perSampleBce(x, await model.reconstruct(x)))).toBeLessThanOrEqual(1e-6);
    }
  });

  it("refuses an unknown metric and a bad batch with INVALID_INPUT", async () => {
    for (const model of Object.values(models)) {
      const x = randomTensor([1, 28, 28, 1], 1);
      for (const metric of ["mae", "MSE", 1, null]) {
        const error = await model.score(x, metric as "mse").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AelabError);
        expect(error).toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/^score metric must be "mse" or "bce"\. Received: /) });
      }
      await expect(model.score(x, "mae" as "mse")).rejects.toThrow('score metric must be "mse" or "bce". Received: "mae"');
      await expect(model.score(randomTensor([2, 784], 1))).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/^score\(\) expects a float32 batch of shape \[batch,28,28,1\].*Received: shape \[2,784\]$/),
      });
    }
  });
});

it("score refuses a disposed model with BACKEND_UNAVAILABLE", async () => {
  const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 4 });
  const backend = createOnnxruntimeBackend({ threads: 1 });
  await backend.init();
  const model = await backend.createModel({ spec, weights: testWeights(spec, 1) });
  await model.dispose();
  await expect(model.score(randomTensor([1, 28, 28, 1], 1))).rejects.toMatchObject({
    code: "BACKEND_UNAVAILABLE",
    message: expect.stringMatching(/Received: score\(\) after dispose\(\)$/),
  });
});

describe.each(ENTRIES)("loadOnnxModel of a VAE encoder (%s)", (_entry, _make, load) => {
  const weights = testWeights(vae, 61);

  it("exposes the mean as run() and both heads through runAll(), to 1e-5 at batch 1, 7 and 256", async () => {
    const probe = randomTensor([3, 28, 28, 1], 2);
    const selfTest = { input: probe, output: referenceForward({ spec: vae, weights, part: "encoder", input: probe }) };
    const model = await load(await exportOnnx({ spec: vae, weights, part: "encoder", selfTest }), { threads: 1 });
    try {
      expect(model.outputName).toBe("code");
      expect(model.outputNames).toEqual(["code", "code_logvar"]);
      expect(model.metadata?.logvarName).toBe("code_logvar");
      expect(model.info.outputs[1].shape).toEqual(["batch", 16]);
      expect((await model.runSelfTest())?.passed).toBe(true);
      for (const batch of BATCHES) {
        const x = randomTensor([batch, 28, 28, 1], 700 + batch);
        const expected = referenceOutputs({ spec: vae, weights, part: "encoder", input: x });
        if (!expected.logvar) throw new Error("the reference must give the log-variance");
        const all = await model.runAll(x);
        expect(Object.keys(all)).toEqual(["code", "code_logvar"]);
        expect(all.code.shape).toEqual([batch, 16]);
        expect(all.code_logvar.shape).toEqual([batch, 16]);
        expect(maxAbsDiff(all.code, expected.output)).toBeLessThanOrEqual(TOLERANCE);
        expect(maxAbsDiff(all.code_logvar, expected.logvar)).toBeLessThanOrEqual(TOLERANCE);
        expect((await model.run(x)).data).toEqual(all.code.data);
      }
      await expect(model.runAll(randomTensor([1, 27, 28, 1], 1))).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/runAll\(\) expects/),
      });
    } finally {
      await model.dispose();
    }
    await expect(model.runAll(probe)).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });
  });

  it("a one-output file lists one output name, and runAll() gives it", async () => {
    const model = await load(await exportOnnx({ spec: vae, weights, part: "full" }), { threads: 1 });
    try {
      expect(model.outputNames).toEqual(["reconstruction"]);
      expect(model.metadata?.logvarName).toBeUndefined();
      const x = randomTensor([2, 28, 28, 1], 3);
      expect(Object.keys(await model.runAll(x))).toEqual(["reconstruction"]);
    } finally {
      await model.dispose();
    }
  });
});
