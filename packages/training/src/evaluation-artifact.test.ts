/**
 * The evaluation artifact on real MNIST digits, with a model handler over the
 * reference forward pass (the semantics every backend matches; adapters are
 * off limits to domain packages): every figure is checked against an
 * independent computation on the same rows.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatherRows, initializeWeights, perSampleMse, presetSpec, type Float32Tensor, type ModelHandler, type AutoencoderSpec } from "@aelab/core";
import { fromIndices, loadMnist } from "@aelab/data";
import { referenceOutputs } from "@aelab/onnx/testing";
import { createTracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVALUATION_ARTIFACT_KIND, buildEvaluationArtifact, saveEvaluationArtifact, type EvaluationArtifact } from "./evaluation-artifact.ts";

function referenceModel(spec: AutoencoderSpec, seed: number): ModelHandler {
  const weights = initializeWeights(spec, seed);
  const forward = (part: "encoder" | "decoder" | "full", input: Float32Tensor) => referenceOutputs({ spec, weights, part, input }).output;
  return {
    encode: async (x) => forward("encoder", x),
    decode: async (z) => forward("decoder", z),
    reconstruct: async (x) => forward("full", x),
    score: async (x) => perSampleMse(x, forward("full", x)),
    dispose: async () => undefined,
  };
}

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// 600 real digits as the validation split.
const mnist = loadMnist({ limit: 600 });
const validation = fromIndices(
  mnist,
  new Uint32Array(0),
  Uint32Array.from({ length: 600 }, (_, i) => i),
  0,
);
const labels = validation.validationLabels!;
const x = validation.validation;

describe("buildEvaluationArtifact", () => {
  let wide: EvaluationArtifact;
  let wideModel: ModelHandler;
  beforeAll(async () => {
    wideModel = referenceModel(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 8 }), 5);
    wide = await buildEvaluationArtifact({ model: wideModel, validation: x, labels, scaling: "unit" });
  });

  it("keeps two samples of each digit, with exact inputs and the model's reconstructions and codes", async () => {
    expect(wide.samples.index).toHaveLength(20);
    expect(wide.samples.label).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    wide.samples.index.forEach((row, i) => expect(labels[row]).toBe(wide.samples.label[i]));
    const rows = gatherRows(x, wide.samples.index);
    expect(fromBase64(wide.samples.input)).toEqual(rows.data);
    const recon = fromBase64(wide.samples.reconstruction);
    const expected = (await wideModel.reconstruct(rows)).data;
    expect(recon).toEqual(expected);
    const codes = (await wideModel.encode(rows)).data;
    expect(wide.samples.code.flat().length).toBe(20 * 8);
    wide.samples.code.flat().forEach((v, i) => expect(v).toBeCloseTo(codes[i], 5));
  });

  it("records every sample's MSE and projects 8-d codes on their principal axes", async () => {
    expect(wide.errors.values).toHaveLength(600);
    const mse = perSampleMse(x, await wideModel.reconstruct(x));
    wide.errors.values.forEach((v, i) => expect(Math.abs(v - mse[i])).toBeLessThanOrEqual(Math.abs(mse[i]) * 1e-5));
    expect(wide.codes.projection).toBe("pca");
    expect(wide.codes.points).toHaveLength(1200);
    expect(wide.codes.label).toEqual(Array.from(labels));
    // Principal coordinates: zero mean, uncorrelated, the first axis carrying the most variance.
    const xs = wide.codes.points.filter((_, i) => i % 2 === 0);
    const ys = wide.codes.points.filter((_, i) => i % 2 === 1);
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    const spread = Math.sqrt(mean(xs.map((a) => a * a)));
    expect(Math.abs(mean(xs))).toBeLessThan(spread * 1e-3);
    expect(Math.abs(mean(ys))).toBeLessThan(spread * 1e-3);
    expect(Math.abs(mean(xs.map((a, i) => a * ys[i])))).toBeLessThan(spread * spread * 1e-3);
    const [first, second] = wide.codes.explainedVariance!;
    expect(first).toBeGreaterThanOrEqual(second);
    expect(first + second).toBeLessThanOrEqual(1 + 1e-6);
    expect(mean(xs.map((a) => a * a)) / mean(ys.map((a) => a * a))).toBeCloseTo(first / second, 2);
    // The stored axes place a code where the scatter put it.
    const { mean: centre, components } = wide.codes.axes!;
    const codes = (await wideModel.encode(gatherRows(x, [17]))).data;
    const project = (axis: number[]) => axis.reduce((s, w, j) => s + (codes[j] - centre[j]) * w, 0);
    expect(project(components[0])).toBeCloseTo(wide.codes.points[34], 4);
    expect(project(components[1])).toBeCloseTo(wide.codes.points[35], 4);
  });

  it("uses a 2-d code as its own scatter", async () => {
    const model = referenceModel(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 2 }), 9);
    const artifact = await buildEvaluationArtifact({ model, validation: x, labels, scaling: "unit" });
    expect(artifact.codeSize).toBe(2);
    expect(artifact.codes.projection).toBe("identity");
    const codes = (await model.encode(x)).data;
    artifact.codes.points.forEach((v, i) => expect(v).toBeCloseTo(codes[i], 5));
  });

  it("takes evenly spread samples when there are no labels", async () => {
    const artifact = await buildEvaluationArtifact({ model: wideModel, validation: x, scaling: "unit" });
    expect(artifact.samples.index).toEqual(Array.from({ length: 20 }, (_, i) => i * 30));
    expect(artifact.samples.label.every((l) => l === null)).toBe(true);
    expect(artifact.codes.label.every((l) => l === null)).toBe(true);
  });
});

describe("saveEvaluationArtifact", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aelab-evaluation-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the JSON beside the weights and records it with its size and hash", async () => {
    const tracker = await createTracker({ url: `file:${join(dir, "runs.db")}` });
    try {
      const run = await tracker.startRun({ experimentName: "evaluation", name: "dense-h8", architecture: "dense", hiddenSize: 8, spec: {} });
      const model = referenceModel(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 8 }), 5);
      const artifact = await buildEvaluationArtifact({ model, validation: gatherRows(x, [0, 1, 2, 3]), scaling: "unit" });
      const path = await saveEvaluationArtifact({ tracker, runId: run.id, artifactsDir: dir, artifact });
      expect(path).toBe(join(dir, run.id, "evaluation.json"));
      const [recorded] = await tracker.listArtifacts(run.id);
      expect(recorded).toMatchObject({ kind: EVALUATION_ARTIFACT_KIND, path, bytes: readFileSync(path).length });
      expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(artifact);
    } finally {
      await tracker.close();
    }
  });
});
