import { autoencoderSpecSchema, tensor, type NeutralWeights } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { erf } from "./erf.ts";
import { referenceForward, referenceOutputs } from "./reference-forward.ts";

// Hand-computed cases that pin TF.js semantics; tfjs-core 4.22 (cpu) agreed on 358 layer configurations when this was written.
describe("referenceForward", () => {
  it("conv2dTranspose k=3 s=2 'same' keeps the kernel's top-left 2x2 for a 1x1 input (no one-pixel shift)", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [1, 1, 1] },
      encoder: [{ type: "conv2dTranspose", filters: 1, kernelSize: 3, strides: 2, padding: "same", activation: "linear" }],
      decoder: [{ type: "maxPool2d", poolSize: 2 }],
    });
    const kernel = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // [3, 3, 1, 1]
    const weights: NeutralWeights = {
      format: "aelab-weights/1",
      tensors: [
        { name: "encoder.0.kernel", shape: [3, 3, 1, 1], data: kernel },
        { name: "encoder.0.bias", shape: [1], data: Float32Array.from([0.5]) },
      ],
    };
    const code = referenceForward({ spec, weights, part: "encoder", input: tensor(Float32Array.from([2]), [1, 1, 1, 1]) });
    expect(code.shape).toEqual([1, 2, 2, 1]);
    expect([...code.data]).toEqual([2.5, 4.5, 8.5, 10.5]);
  });

  it("conv2d 2x2 'same' pads after the data, and maxPool 'same' ignores the padding", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [3, 3, 1] },
      encoder: [{ type: "conv2d", filters: 1, kernelSize: 2, strides: 1, padding: "same", activation: "linear" }],
      decoder: [{ type: "maxPool2d", poolSize: 2, strides: 1, padding: "same" }],
    });
    const weights: NeutralWeights = {
      format: "aelab-weights/1",
      tensors: [
        { name: "encoder.0.kernel", shape: [2, 2, 1, 1], data: Float32Array.from([1, 0, 0, 0]) },
        { name: "encoder.0.bias", shape: [1], data: Float32Array.from([0]) },
      ],
    };
    const x = tensor(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, -9]), [1, 3, 3, 1]);
    // With the pad after the data, a kernel that only weights its top-left tap is the identity.
    expect([...referenceForward({ spec, weights, part: "encoder", input: x }).data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, -9]);
    expect([...referenceForward({ spec, weights, part: "full", input: x }).data]).toEqual([5, 6, 6, 8, 8, 6, 8, 8, -9]);
  });

  it("flattens channels-last data in (h, w, c) order and upsamples by repetition", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [1, 2, 2] },
      encoder: [{ type: "flatten" }],
      decoder: [
        { type: "reshape", targetShape: [1, 2, 2] },
        { type: "upSampling2d", size: [2, 1] },
        { type: "maxPool2d", poolSize: [2, 1] },
      ],
    });
    const weights: NeutralWeights = { format: "aelab-weights/1", tensors: [] };
    const x = tensor(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
    expect([...referenceForward({ spec, weights, part: "encoder", input: x }).data]).toEqual([1, 2, 3, 4]);
    expect([...referenceForward({ spec, weights, part: "full", input: x }).data]).toEqual([1, 2, 3, 4]);
  });

  it("passes values through dropout unchanged (inference), wherever it sits", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [2] },
      encoder: [
        { type: "dropout", rate: 0.9 },
        { type: "dense", units: 1, activation: "linear" },
        { type: "dropout", rate: 0.5 },
      ],
      decoder: [
        { type: "dense", units: 2, activation: "linear" },
        { type: "dropout", rate: 0.5 },
      ],
    });
    const weights: NeutralWeights = {
      format: "aelab-weights/1",
      tensors: [
        { name: "encoder.1.kernel", shape: [2, 1], data: Float32Array.from([1, 2]) },
        { name: "encoder.1.bias", shape: [1], data: Float32Array.from([0.5]) },
        { name: "decoder.0.kernel", shape: [1, 2], data: Float32Array.from([1, -1]) },
        { name: "decoder.0.bias", shape: [2], data: Float32Array.from([0, 1]) },
      ],
    };
    const x = tensor(Float32Array.from([1, 2, -1, 0]), [2, 2]);
    expect([...referenceForward({ spec, weights, part: "encoder", input: x }).data]).toEqual([5.5, -0.5]);
    expect([...referenceForward({ spec, weights, part: "full", input: x }).data]).toEqual([5.5, -4.5, -0.5, 1.5]);
  });

  it("gives a VAE encoder's mean and log-variance from the twin heads, and decodes the mean", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [2] },
      encoder: [{ type: "dense", units: 1, activation: "linear" }],
      decoder: [{ type: "dense", units: 2, activation: "linear" }],
      variational: { beta: 1 },
    });
    const weights: NeutralWeights = {
      format: "aelab-weights/1",
      tensors: [
        { name: "encoder.0.kernel", shape: [2, 1], data: Float32Array.from([1, 1]) },
        { name: "encoder.0.bias", shape: [1], data: Float32Array.from([0]) },
        { name: "encoder.0.logvar.kernel", shape: [2, 1], data: Float32Array.from([2, -1]) },
        { name: "encoder.0.logvar.bias", shape: [1], data: Float32Array.from([0.25]) },
        { name: "decoder.0.kernel", shape: [1, 2], data: Float32Array.from([1, 2]) },
        { name: "decoder.0.bias", shape: [2], data: Float32Array.from([0, 0]) },
      ],
    };
    const x = tensor(Float32Array.from([3, 1]), [1, 2]);
    const encoder = referenceOutputs({ spec, weights, part: "encoder", input: x });
    expect([...encoder.output.data]).toEqual([4]);
    expect(encoder.logvar?.shape).toEqual([1, 1]);
    expect([...(encoder.logvar?.data ?? [])]).toEqual([5.25]);
    const full = referenceOutputs({ spec, weights, part: "full", input: x });
    expect([...full.output.data]).toEqual([4, 8]);
    expect(full.logvar).toBeUndefined();
    expect(referenceOutputs({ spec, weights, part: "decoder", input: encoder.output }).logvar).toBeUndefined();
  });

  it("refuses a batch of the wrong shape", () => {
    const spec = autoencoderSpecSchema.parse({ input: { shape: [4] }, encoder: [{ type: "dense", units: 2 }], decoder: [{ type: "dense", units: 4 }] });
    const weights: NeutralWeights = {
      format: "aelab-weights/1",
      tensors: [
        { name: "encoder.0.kernel", shape: [4, 2], data: new Float32Array(8) },
        { name: "encoder.0.bias", shape: [2], data: new Float32Array(2) },
        { name: "decoder.0.kernel", shape: [2, 4], data: new Float32Array(8) },
        { name: "decoder.0.bias", shape: [4], data: new Float32Array(4) },
      ],
    };
    expect(() => referenceForward({ spec, weights, part: "encoder", input: tensor(new Float32Array(3), [1, 3]) })).toThrow(/Received: shape \[1,3\]/);
  });
});

it("erf matches tabulated values to 1e-15", () => {
  const table: [number, number][] = [
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
    [-1.3, -0.9340079449406524],
  ];
  for (const [x, v] of table) expect(Math.abs(erf(x) - v)).toBeLessThan(1e-15);
});
