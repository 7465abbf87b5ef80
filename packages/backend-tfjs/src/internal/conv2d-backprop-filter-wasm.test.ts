import * as tf from "@tensorflow/tfjs-core";
import { autoencoderSpecSchema, initializeWeights, presetSpec, sliceBatch, type AutoencoderSpec } from "@aelab/core";
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests use real MNIST from @aelab/data, a dev dependency only
import { loadMnist } from "@aelab/data";
import { beforeAll, describe, expect, it } from "vitest";
import { buildForward } from "./forward.ts";
import { perSampleActivity, perSampleReconstruction, weightPenalty } from "./losses.ts";
import type { TfjsRuntime } from "./runtime.ts";
import { maxScaledDiff, patterned, runtimeFor, valuesOn } from "./test-support.ts";

let wasm: TfjsRuntime;
let cpu: TfjsRuntime;

beforeAll(async () => {
  wasm = await runtimeFor("wasm");
  cpu = await runtimeFor("cpu");
});

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];

/** `pad` here is the total padding along the axis when explicit. */
function convOut(size: number, k: number, s: number, pad: "same" | "valid" | number): number {
  if (pad === "same") return Math.ceil(size / s);
  if (pad === "valid") return Math.floor((size - k) / s) + 1;
  return Math.floor((size + pad - k) / s) + 1;
}

function filterGradient(runtime: TfjsRuntime, xShape: number[], filterShape: number[], strides: [number, number], pad: Pad): Float32Array {
  const [n, h, w] = xShape;
  const [kh, kw, , f] = filterShape;
  const along = (axis: 1 | 2) => (typeof pad === "string" ? pad : typeof pad === "number" ? 2 * pad : pad[axis][0] + pad[axis][1]);
  const dyShape = [n, convOut(h, kh, strides[0], along(1)), convOut(w, kw, strides[1], along(2)), f];
  const x = patterned(xShape, 11);
  const dy = patterned(dyShape, 29);
  return valuesOn(
    runtime,
    () =>
      tf
        .engine()
        .runKernel(
          "Conv2DBackpropFilter",
          { x: tf.tensor(x.data, xShape), dy: tf.tensor(dy.data, dyShape) },
          { strides, pad, dataFormat: "NHWC", filterShape },
        ) as tf.Tensor,
  )[0];
}

describe("wasm Conv2DBackpropFilter", () => {
  it("is registered for wasm by init()", () => {
    expect(wasm.addedKernels).toEqual(["Conv2DBackpropFilter"]);
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
  });

  const cases: { x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] = [
    { x: [2, 9, 9, 1], filter: [3, 3, 1, 4], strides: [1, 1], pad: "same" },
    { x: [3, 7, 11, 5], filter: [3, 3, 5, 6], strides: [1, 1], pad: "valid" },
    { x: [2, 10, 10, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: "same" },
    { x: [2, 11, 9, 4], filter: [3, 3, 4, 2], strides: [2, 2], pad: "valid" },
    { x: [1, 13, 13, 2], filter: [5, 4, 2, 3], strides: [3, 2], pad: "same" },
    { x: [2, 8, 9, 3], filter: [2, 2, 3, 3], strides: [2, 2], pad: "valid" },
    { x: [2, 7, 7, 2], filter: [3, 3, 2, 2], strides: [1, 1], pad: 1 },
    {
      x: [2, 7, 6, 2],
      filter: [3, 2, 2, 3],
      strides: [2, 1],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    // The shapes of the seed-conv autoencoder's layers, at batch 4.
    { x: [4, 28, 28, 32], filter: [3, 3, 32, 1], strides: [1, 1], pad: "same" },
    { x: [4, 28, 28, 32], filter: [3, 3, 32, 16], strides: [2, 2], pad: "same" },
  ];

  it.each(cases)("matches tfjs-backend-cpu: x $x, filter $filter, strides $strides, pad $pad", ({ x, filter, strides, pad }) => {
    const onWasm = filterGradient(wasm, x, filter, strides, pad);
    const onCpu = filterGradient(cpu, x, filter, strides, pad);
    expect(onWasm.length).toBe(filter.reduce((a, b) => a * b, 1));
    expect(maxScaledDiff(onWasm, onCpu)).toBeLessThan(1e-4);
  });

  it("leaves no tensors behind", () => {
    const before = tf.memory().numTensors;
    filterGradient(wasm, [2, 6, 6, 3], [3, 3, 3, 2], [2, 2], "same");
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Gradients of the training loss with respect to every parameter, in parameter order. */
function modelGradients(runtime: TfjsRuntime, spec: AutoencoderSpec, batch: { data: Float32Array; shape: readonly number[] }, fast: boolean): Float32Array[] {
  const weights = initializeWeights(spec, 7);
  runtime.activate();
  const vars = weights.tensors.map((t) => tf.variable(tf.tensor(t.data.slice(), t.shape)));
  const byName = new Map(weights.tensors.map((t, i) => [t.name, vars[i]]));
  const forward = buildForward(spec, (name) => byName.get(name) as tf.Variable, { fast });
  const kernels = weights.tensors.flatMap((t, i) => (t.name.endsWith(".kernel") ? [vars[i]] : []));
  try {
    return valuesOn(runtime, () => {
      const x = tf.tensor(batch.data, [...batch.shape]);
      const { grads } = tf.variableGrads(() => {
        const code = forward.encode(x);
        const recon = perSampleReconstruction(spec, x, forward.decode(code));
        const activity = perSampleActivity(spec, code);
        const loss = tf.mean(activity ? tf.add(recon, activity) : recon) as tf.Scalar;
        const penalty = weightPenalty(spec, kernels);
        return penalty ? tf.add(loss, penalty) : loss;
      }, vars);
      return vars.map((v) => grads[v.name]);
    });
  } finally {
    tf.dispose(vars);
  }
}

describe("whole-model gradients, wasm (aelab's fast paths) against cpu (tfjs's own ops)", () => {
  const mnist = loadMnist({ limit: 200 });
  const batch = sliceBatch(mnist.images, 0, 6);
  const specs: Record<string, AutoencoderSpec> = {
    conv: presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 32 }),
    "seed-conv": presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 32 }),
  };

  it.each(Object.keys(specs))("%s preset on MNIST digits", (name) => {
    const spec = specs[name];
    const onWasm = modelGradients(wasm, spec, batch, true);
    const onCpu = modelGradients(cpu, spec, batch, false);
    expect(onWasm.length).toBe(onCpu.length);
    for (let i = 0; i < onCpu.length; i++) {
      expect(onCpu[i].some((v) => v !== 0)).toBe(true);
      expect(maxScaledDiff(onWasm[i], onCpu[i])).toBeLessThan(1e-4);
    }
  });
});

describe("whole-model gradients of every layer type, activation and penalty, wasm against cpu", () => {
  // Strides, 'valid' pads, upsampling, every activation but linear, BCE, L1/L2 and activity penalties.
  const spec = autoencoderSpecSchema.parse({
    input: { shape: [12, 12, 2] },
    encoder: [
      { type: "conv2d", filters: 4, kernelSize: 3, activation: "elu" },
      { type: "maxPool2d", poolSize: 2 },
      { type: "conv2d", filters: 6, kernelSize: 3, strides: 2, padding: "valid", activation: "gelu" },
      { type: "flatten" },
      { type: "dense", units: 5, activation: "leakyRelu" },
    ],
    decoder: [
      { type: "dense", units: 24, activation: "tanh" },
      { type: "reshape", targetShape: [2, 2, 6] },
      { type: "upSampling2d", size: 3 },
      { type: "conv2dTranspose", filters: 3, kernelSize: 4, strides: 2, padding: "valid", activation: "relu" },
      { type: "conv2d", filters: 2, kernelSize: 3, padding: "valid", activation: "sigmoid" },
    ],
    loss: "bce",
    regularization: { l1: 1e-3, l2: 1e-3, activityL1: 1e-3 },
  });
  const raw = patterned([5, 12, 12, 2], 3);
  const batch = { data: raw.data.map((v) => (v + 1) / 2), shape: raw.shape };

  it("matches parameter by parameter", () => {
    const onWasm = modelGradients(wasm, spec, batch, true);
    const onCpu = modelGradients(cpu, spec, batch, false);
    expect(onWasm.length).toBe(onCpu.length);
    for (let i = 0; i < onCpu.length; i++) {
      expect(onCpu[i].some((v) => v !== 0)).toBe(true);
      expect(maxScaledDiff(onWasm[i], onCpu[i])).toBeLessThan(1e-4);
    }
  });
});
