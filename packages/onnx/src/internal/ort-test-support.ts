/**
 * Test support only (imported by *.test.ts): runs exported bytes under
 * onnxruntime-node and builds the specs and weights the parity tests share.
 */
import * as ort from "onnxruntime-node";
import { autoencoderSpecSchema, type AutoencoderSpec, type Float32Tensor } from "@aelab/core";

export { testWeights } from "../testing/layout.ts";

/** Runs a one-input, one-output model on `x` (already in the model's I/O layout). */
export async function runOnnx(bytes: Uint8Array, input: string, output: string, x: Float32Tensor): Promise<Float32Tensor> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds = { [input]: new ort.Tensor("float32", x.data, [...x.shape]) };
    const result = (await session.run(feeds))[output];
    return { data: result.data as Float32Array, shape: [...result.dims] };
  } finally {
    await session.release();
  }
}

/** Runs a one-input model on `x` and returns every output by name. */
export async function runOnnxOutputs(bytes: Uint8Array, input: string, x: Float32Tensor): Promise<Record<string, Float32Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const result = await session.run({ [input]: new ort.Tensor("float32", x.data, [...x.shape]) });
    return Object.fromEntries(Object.entries(result).map(([name, t]) => [name, { data: t.data as Float32Array, shape: [...t.dims] }]));
  } finally {
    await session.release();
  }
}

/**
 * Specs beyond the presets: non-square, multi-channel images with strided and
 * non-square kernels, asymmetric 'same' pads, output_padding, 'valid' padding,
 * upsampling, every activation, dropout in every position (first, between
 * NCHW-only ops, last), and a convolutional VAE with dropout before its heads.
 */
export const EXTRA_SPECS: Record<string, AutoencoderSpec> = {
  "nonsquare-6x4x2": autoencoderSpecSchema.parse({
    name: "nonsquare-6x4x2",
    input: { shape: [6, 4, 2] },
    encoder: [
      { type: "conv2d", filters: 3, kernelSize: [3, 2], strides: [2, 1], padding: "same", activation: "leakyRelu" },
      { type: "maxPool2d", poolSize: [2, 3], strides: [1, 2], padding: "same" },
      { type: "conv2d", filters: 4, kernelSize: 1, strides: 1, padding: "valid", activation: "gelu" },
      { type: "flatten" },
      { type: "dense", units: 5, activation: "elu" },
    ],
    decoder: [
      { type: "dense", units: 24, activation: "tanh" },
      { type: "reshape", targetShape: [3, 2, 4] },
      { type: "upSampling2d", size: [2, 1] },
      { type: "conv2dTranspose", filters: 3, kernelSize: [3, 1], strides: [1, 2], padding: "same", activation: "relu" },
      { type: "conv2d", filters: 2, kernelSize: [5, 3], strides: 1, padding: "same", activation: "linear" },
    ],
  }),
  "valid-5x7x3": autoencoderSpecSchema.parse({
    name: "valid-5x7x3",
    input: { shape: [5, 7, 3] },
    encoder: [
      { type: "conv2d", filters: 4, kernelSize: 3, strides: 2, padding: "valid", activation: "relu" },
      { type: "upSampling2d", size: [2, 3] },
      { type: "maxPool2d", poolSize: [2, 3], padding: "valid" },
    ],
    decoder: [
      { type: "conv2dTranspose", filters: 5, kernelSize: [4, 2], strides: [1, 1], padding: "same", activation: "sigmoid" },
      { type: "conv2dTranspose", filters: 3, kernelSize: 3, strides: 2, padding: "valid", activation: "tanh" },
    ],
  }),
  "dense-activations": autoencoderSpecSchema.parse({
    name: "dense-activations",
    input: { shape: [12] },
    encoder: [
      { type: "dense", units: 9, activation: "leakyRelu" },
      { type: "dense", units: 8, activation: "elu" },
      { type: "dense", units: 5, activation: "gelu" },
    ],
    decoder: [
      { type: "dense", units: 7, activation: "tanh" },
      { type: "dense", units: 9, activation: "relu" },
      { type: "dense", units: 10, activation: "linear" },
      { type: "dense", units: 12, activation: "sigmoid" },
    ],
  }),
  "dropout-6x6x2": autoencoderSpecSchema.parse({
    name: "dropout-6x6x2",
    input: { shape: [6, 6, 2] },
    encoder: [
      { type: "dropout", rate: 0.2 },
      { type: "conv2d", filters: 3, kernelSize: 3, strides: 1, padding: "same", activation: "relu" },
      { type: "dropout", rate: 0.5 },
      { type: "maxPool2d", poolSize: 2 },
      { type: "flatten" },
      { type: "dropout", rate: 0.1 },
      { type: "dense", units: 4, activation: "tanh" },
    ],
    decoder: [
      { type: "dense", units: 27, activation: "relu" },
      { type: "dropout", rate: 0.3 },
      { type: "reshape", targetShape: [3, 3, 3] },
      { type: "conv2dTranspose", filters: 2, kernelSize: 3, strides: 2, padding: "same", activation: "sigmoid" },
      { type: "dropout", rate: 0.25 },
    ],
  }),
  "vae-conv-8x8x1": autoencoderSpecSchema.parse({
    name: "vae-conv-8x8x1",
    input: { shape: [8, 8, 1] },
    encoder: [
      { type: "conv2d", filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" },
      { type: "flatten" },
      { type: "dense", units: 12, activation: "elu" },
      { type: "dropout", rate: 0.2 },
      { type: "dense", units: 3, activation: "linear" },
    ],
    decoder: [
      { type: "dense", units: 64, activation: "relu" },
      { type: "reshape", targetShape: [4, 4, 4] },
      { type: "conv2dTranspose", filters: 1, kernelSize: 3, strides: 2, padding: "same", activation: "sigmoid" },
    ],
    variational: { beta: 0.5 },
    loss: "bce",
  }),
};
