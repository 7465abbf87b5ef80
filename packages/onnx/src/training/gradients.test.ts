/**
 * The training graphs' gradients, for every layer type, activation and loss:
 * the gradient graph (`buildGradientGraph`, the train step's forward and
 * backward passes) under onnxruntime-node against
 * - TensorFlow.js's `tf.grads` of the same loss (cpu backend, tfjs's own
 *   kernels), on the same weights, batch and seeded draws: every element within
 *   1e-4 relative, or 1e-6 absolute where the value is tiny;
 * - central finite differences of the float64 reference loss
 *   (`referenceTrainingLoss`) on sampled elements of every parameter.
 */
import { autoencoderSpecSchema, presetSpec, weightsMap, type AutoencoderSpec, type Float32Tensor, type NeutralWeights } from "@aelab/core";
import { beforeAll, describe, expect, it } from "vitest";
import { EXTRA_SPECS, testWeights } from "../internal/ort-test-support.ts";
import { tfjsLossAndGradients, tfjsReady } from "../internal/tfjs-training-reference.ts";
import { randomTensor } from "../testing/layout.ts";
import { referenceTrainingLoss } from "../testing/reference-training.ts";
import { buildGradientGraph } from "./build-training-graphs.ts";
import { onnxGradients, stepBatch, type StepBatch } from "./training-test-support.ts";

const REGULARISED = { l1: 1e-3, l2: 2e-3, activityL1: 1e-3 };
const IMAGE = [8, 8, 1];

/**
 * Stride-1 convolutions take their own backward paths (a Conv for dx; for dW, a
 * Conv over the filter axis when there are fewer filters than channels): here
 * with even kernels (uneven 'same' pads) and 'valid' padding.
 */
const STRIDE_ONE = autoencoderSpecSchema.parse({
  name: "stride-one-7x6x3",
  input: { shape: [7, 6, 3] },
  encoder: [
    { type: "conv2d", filters: 2, kernelSize: [4, 2], strides: 1, padding: "same", activation: "relu" },
    { type: "conv2d", filters: 4, kernelSize: [2, 3], strides: 1, padding: "same", activation: "tanh" },
    { type: "conv2d", filters: 2, kernelSize: 3, strides: 1, padding: "valid", activation: "relu" },
    { type: "flatten" },
    { type: "dense", units: 3, activation: "linear" },
  ],
  decoder: [
    { type: "dense", units: 40, activation: "relu" },
    { type: "reshape", targetShape: [5, 4, 2] },
    { type: "conv2dTranspose", filters: 3, kernelSize: 3, strides: 1, padding: "valid", activation: "sigmoid" },
  ],
});

/** Every preset (small images), every extra spec, both losses; some with every penalty on. */
function cases(): [string, AutoencoderSpec][] {
  const out: [string, AutoencoderSpec][] = [];
  const presets = ["dense", "deep-dense", "conv", "seed-conv", "denoising", "sparse", "vae"].map((p): [string, AutoencoderSpec] => [
    p,
    presetSpec(p, { inputShape: IMAGE, hiddenSize: 3 }),
  ]);
  for (const [name, spec] of [...presets, ...Object.entries(EXTRA_SPECS), ["stride-one-7x6x3", STRIDE_ONE] as [string, AutoencoderSpec]]) {
    for (const loss of ["mse", "bce"] as const) {
      // BCE needs probabilities: only on specs that end in a sigmoid (linear outputs sit on the clip's kinks).
      if (loss === "bce" && lastActivation(spec) !== "sigmoid") continue;
      out.push([`${name} ${loss}`, { ...spec, loss }]);
      out.push([`${name} ${loss} + l1, l2, activity L1`, { ...spec, loss, regularization: REGULARISED }]);
    }
  }
  return out;
}

function lastActivation(spec: AutoencoderSpec): string {
  const last = [...spec.decoder].reverse().find((l) => "activation" in l);
  return last && "activation" in last ? last.activation : "linear";
}

interface Comparison {
  worst: number;
  where: string;
}

/** max over elements of |a − b| / max(1e-4·|b|, 1e-6): ≤ 1 means within 1e-4 relative or 1e-6 absolute. */
function compare(ours: Map<string, Float32Array>, reference: Map<string, Float32Array>): Comparison {
  let worst = 0;
  let where = "";
  for (const [name, ref] of reference) {
    const got = ours.get(name) as Float32Array;
    expect(got.length, name).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) {
      const r = Math.abs(got[i] - ref[i]) / Math.max(1e-4 * Math.abs(ref[i]), 1e-6);
      if (!(r <= worst)) {
        worst = r;
        where = `${name}[${i}]: onnx ${got[i]} vs ${ref[i]}`;
      }
    }
  }
  return { worst, where };
}

function tfjsInputs(step: StepBatch) {
  const { batch, draws } = step;
  const input: Float32Tensor = draws.input ? { data: draws.input, shape: batch.shape } : batch;
  return { input, target: batch, masks: draws.dropout, epsilon: draws.epsilon };
}

/**
 * Central differences of the float64 loss on up to `per` elements of each
 * parameter; worst |fd − g| / (1e-3·|fd| + 1e-6). An element whose one-sided
 * differences disagree sits on a kink (relu at 0, a max-pool near-tie, |w| at 0)
 * and is counted as skipped instead.
 */
function finiteDifferences(spec: AutoencoderSpec, weights: NeutralWeights, step: StepBatch, grads: Map<string, Float32Array>, per: number) {
  const inputs = tfjsInputs(step);
  const loss = () => referenceTrainingLoss({ spec, weights, ...inputs });
  const centre = loss();
  let worst = 0;
  let where = "";
  let checked = 0;
  let skipped = 0;
  for (const t of weightsMap(weights).values()) {
    const stride = Math.max(1, Math.floor(t.data.length / per));
    for (let i = 0; i < t.data.length; i += stride) {
      const original = t.data[i];
      const h = 1e-4 * Math.max(1, Math.abs(original));
      t.data[i] = original + h;
      const [up, hUp] = [loss(), t.data[i] - original];
      t.data[i] = original - h;
      const [down, hDown] = [loss(), original - t.data[i]];
      t.data[i] = original;
      const forward = (up - centre) / hUp;
      const backward = (centre - down) / hDown;
      if (Math.abs(forward - backward) > 1e-3 * Math.max(Math.abs(forward), Math.abs(backward)) + 1e-6) {
        skipped++;
        continue;
      }
      checked++;
      const fd = (up - down) / (hUp + hDown);
      const g = (grads.get(t.name) as Float32Array)[i];
      const r = Math.abs(fd - g) / (1e-3 * Math.abs(fd) + 1e-6);
      if (!(r <= worst)) {
        worst = r;
        where = `${t.name}[${i}]: onnx ${g} vs fd ${fd}`;
      }
    }
  }
  return { worst, where, checked, skipped };
}

beforeAll(() => tfjsReady());

describe.each(cases())("gradients of %s", (_name, spec) => {
  const weights = testWeights(spec, 5);
  const batch = randomTensor([3, ...spec.input.shape], 9);
  const step = stepBatch(spec, batch, 4);

  it("match tf.grads within 1e-4 relative (1e-6 absolute) and finite differences", async () => {
    const { bytes, io } = buildGradientGraph(spec);
    const ours = await onnxGradients(bytes, io, weights, step);
    const reference = tfjsLossAndGradients(spec, weights, tfjsInputs(step));
    expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference.loss)));
    const vsTfjs = compare(ours.grads, reference.grads);
    expect(vsTfjs.worst, vsTfjs.where).toBeLessThanOrEqual(1);
    const vsFd = finiteDifferences(spec, weights, step, ours.grads, 6);
    expect(vsFd.worst, vsFd.where).toBeLessThanOrEqual(1);
    expect(vsFd.skipped, `${vsFd.skipped} of ${vsFd.checked + vsFd.skipped} elements on kinks`).toBeLessThanOrEqual(0.1 * (vsFd.checked + vsFd.skipped));
  });
});

describe("BCE clipping", () => {
  // Saturated sigmoid outputs (exactly 1, or below ε) are clipped: tfjs's gradient is zero there, and so is ours.
  const spec = autoencoderSpecSchema.parse({
    name: "saturated",
    input: { shape: [6] },
    encoder: [{ type: "dense", units: 4, activation: "linear" }],
    decoder: [{ type: "dense", units: 6, activation: "sigmoid" }],
    loss: "bce",
  });
  const weights = testWeights(spec, 2);
  for (const t of weights.tensors) for (let i = 0; i < t.data.length; i++) t.data[i] *= 60;
  const step = stepBatch(spec, randomTensor([5, 6], 3), 1);

  it("is active on some outputs, and the gradients still match tf.grads", async () => {
    const { bytes, io } = buildGradientGraph(spec);
    const ours = await onnxGradients(bytes, io, weights, step);
    const reference = tfjsLossAndGradients(spec, weights, tfjsInputs(step));
    const vsTfjs = compare(ours.grads, reference.grads);
    expect(vsTfjs.worst, vsTfjs.where).toBeLessThanOrEqual(1);
    // With the clip's zero gradient, the decoder kernel's gradient vanishes on rows of saturated outputs.
    const zeros = (ours.grads.get("decoder.0.kernel") as Float32Array).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    expect(Math.abs(ours.loss - reference.loss)).toBeLessThan(1e-5 * reference.loss);
  });
});
