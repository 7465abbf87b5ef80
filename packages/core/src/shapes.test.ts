import { describe, expect, it } from "vitest";
import { AelabError, ErrorCode, inferShapes, parseSpec, presetSpec, specWarnings } from "./index.ts";

describe("inferShapes", () => {
  it("gives seed-conv a 7x7x16 code and 12,193 parameters (the Keras example, corrected)", () => {
    const r = inferShapes(presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 1 }));
    expect(r.codeShape).toEqual([7, 7, 16]);
    expect(r.outputShape).toEqual([28, 28, 1]);
    expect(r.parameterCount).toBe(12_193);
  });

  it.each([2, 16, 32, 1000])("builds dense, deep-dense and conv presets with a %i-d code", (h) => {
    for (const p of ["dense", "deep-dense", "conv"]) {
      const r = inferShapes(presetSpec(p, { inputShape: [28, 28, 1], hiddenSize: h }));
      expect(r.codeSize).toBe(h);
      expect(r.outputShape).toEqual([28, 28, 1]);
    }
  });

  it("refuses the original Keras example (stride-1 transposed convs, 28 filters) naming the layer and both shapes", () => {
    const keras = {
      input: { shape: [28, 28, 1] },
      encoder: [
        { type: "conv2d", filters: 32 },
        { type: "maxPool2d", padding: "same" },
        { type: "conv2d", filters: 16 },
        { type: "maxPool2d", padding: "same" },
      ],
      decoder: [
        { type: "conv2dTranspose", filters: 16, strides: 1 },
        { type: "conv2dTranspose", filters: 32, strides: 1 },
        { type: "conv2d", filters: 28, activation: "sigmoid" },
      ],
    };
    let error: unknown;
    try {
      parseSpec(keras);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AelabError);
    expect((error as AelabError).code).toBe(ErrorCode.ShapeMismatch);
    const msg = (error as AelabError).message;
    expect(msg).toContain("[7,7,28]");
    expect(msg).toContain("[28,28,1]");
    expect(msg).toMatch(/decoder\.\d \(conv2dTranspose\)/);
  });

  it("refuses odd input sizes after 'same' pooling when the decoder doubles back to an even size", () => {
    const spec = {
      input: { shape: [27, 27, 1] },
      encoder: [
        { type: "conv2d", filters: 4 },
        { type: "maxPool2d", padding: "same" },
      ],
      decoder: [{ type: "conv2dTranspose", filters: 1, strides: 2, activation: "sigmoid" }],
    };
    expect(() => parseSpec(spec)).toThrow(/\[28,28,1\].*|.*\[27,27,1\]/);
    expect(() => parseSpec(spec)).toThrow(/input shape \[27,27,1\]/);
  });

  it("refuses a dense layer on an image without flatten, naming the layer and the shape", () => {
    const spec = { input: { shape: [28, 28, 1] }, encoder: [{ type: "dense", units: 4 }], decoder: [{ type: "dense", units: 784 }] };
    expect(() => parseSpec(spec)).toThrow(/Layer encoder\.0 \(dense\).*Received: input shape \[28,28,1\]/);
  });

  it("reports zod problems with their path and the received value", () => {
    expect(() => parseSpec({ input: { shape: [28, 28, 1] }, encoder: [{ type: "conv2d", filters: 0 }], decoder: [{ type: "flatten" }] })).toThrow(
      /at encoder\.0\.filters: .*Received: 0/,
    );
    expect(() =>
      parseSpec({ input: { shape: [4] }, encoder: [{ type: "dense", units: 2, activaton: "relu" }], decoder: [{ type: "dense", units: 4 }] }),
    ).toThrow(/encoder\.0/);
  });

  it("warns about an overcomplete code without noise or sparsity", () => {
    expect(specWarnings(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 1000 }))[0]).toMatch(/identity/);
    expect(specWarnings(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 32 }))).toEqual([]);
  });

  it("refuses an unknown preset and a bad hidden size", () => {
    expect(() => presetSpec("transformer", { inputShape: [28, 28, 1], hiddenSize: 2 })).toThrow(/Received: "transformer"/);
    expect(() => presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 0 })).toThrow(/Received: hiddenSize=0/);
  });
});
