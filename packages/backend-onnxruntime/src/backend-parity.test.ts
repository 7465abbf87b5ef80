/**
 * Conformance for both entries (onnxruntime-node and onnxruntime-web): every
 * preset's encode / decode / reconstruct matches the TF.js-semantics reference
 * forward pass, and the two entries match each other, within 1e-4.
 */
import { PRESET_NAMES, maxAbsDiff, presetSpec, type Backend, type Float32Tensor, type ModelHandler } from "@aelab/core";
import { randomTensor, referenceForward, testWeights } from "@aelab/onnx/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxruntimeBackend } from "./index.ts";
import { createOnnxruntimeWebBackend } from "./web.ts";

const TOLERANCE = 1e-4;
const ENTRIES: Record<string, () => Backend> = {
  node: () => createOnnxruntimeBackend({ threads: 1 }),
  web: () => createOnnxruntimeWebBackend({ threads: 1 }),
};

describe.each(PRESET_NAMES)("preset %s (28x28x1, hidden 16)", (preset) => {
  const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 16 });
  const weights = testWeights(spec, 17);
  const models: Record<string, ModelHandler> = {};

  beforeAll(async () => {
    for (const [entry, make] of Object.entries(ENTRIES)) {
      const backend = make();
      await backend.init();
      models[entry] = await backend.createModel({ spec, weights });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(models).map((m) => m.dispose()));
  });

  it.each([1, 7, 256])("node and web match the reference and each other at batch %i", async (batch) => {
    const x = randomTensor([batch, 28, 28, 1], 100 + batch);
    const code = referenceForward({ spec, weights, part: "encoder", input: x });
    const expected: Record<string, Float32Tensor> = {
      encode: code,
      decode: referenceForward({ spec, weights, part: "decoder", input: code }),
      reconstruct: referenceForward({ spec, weights, part: "full", input: x }),
    };
    const got: Record<string, Record<string, Float32Tensor>> = {};
    for (const [entry, model] of Object.entries(models)) {
      got[entry] = { encode: await model.encode(x), decode: await model.decode(code), reconstruct: await model.reconstruct(x) };
      for (const op of ["encode", "decode", "reconstruct"]) {
        expect(got[entry][op].shape, `${entry} ${op}`).toEqual(expected[op].shape);
        expect(maxAbsDiff(got[entry][op], expected[op]), `${entry} ${op} vs reference`).toBeLessThan(TOLERANCE);
      }
    }
    for (const op of ["encode", "decode", "reconstruct"]) {
      expect(maxAbsDiff(got.web[op], got.node[op]), `web vs node ${op}`).toBeLessThan(TOLERANCE);
    }
  });
});
