import { AelabError, hashWeights, presetSpec, serializeWeights, type AutoencoderSpec, type InputScaling } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { exportOnnx } from "./export-onnx.ts";
import { decodeModel, encodeModel } from "./internal/proto.ts";
import type { ModelInit } from "./internal/onnx-types.ts";
import { testWeights } from "./internal/ort-test-support.ts";
import { AELAB_ONNX_FORMAT, METADATA_KEYS, readOnnxMetadata } from "./metadata.ts";
import { randomTensor } from "./testing/index.ts";
import pkg from "../package.json" with { type: "json" };

const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
const weights = testWeights(spec, 5);

describe("readOnnxMetadata", () => {
  it("reads back everything exportOnnx records", async () => {
    const selfTest = { input: randomTensor([2, 1, 28, 28], 1), output: randomTensor([2, 16], 2, -3, 3) };
    const bytes = await exportOnnx({ spec, weights, part: "encoder", layout: "nchw", metadata: { "aelab.run_id": "r1", owner: "lab" }, selfTest });
    const info = readOnnxMetadata(bytes);
    expect(info.irVersion).toBe(8);
    expect(info.opset).toBe(17);
    expect(info.producerName).toBe("aelab");
    expect(info.inputs).toEqual([{ name: "input", shape: ["batch", 1, 28, 28] }]);
    expect(info.outputs).toEqual([{ name: "code", shape: ["batch", 16] }]);
    const m = info.aelab;
    expect(m).toBeDefined();
    if (!m) return;
    expect(m.format).toBe(AELAB_ONNX_FORMAT);
    expect(m.version).toBe(pkg.version);
    expect(m.part).toBe("encoder");
    expect(m.layout).toBe("nchw");
    expect(m.spec).toEqual(spec);
    expect(m.inputScaling).toBe("unit");
    expect(m.weightsSha256).toBe(await hashWeights(weights));
    expect(m.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.inputShape).toEqual([1, 28, 28]);
    expect(m.outputShape).toEqual([16]);
    expect(m.user).toEqual({ "aelab.run_id": "r1", owner: "lab" });
    // The self-test survives bit for bit.
    expect(m.selfTest?.input.shape).toEqual([2, 1, 28, 28]);
    expect(m.selfTest?.output.data).toEqual(selfTest.output.data);
    expect(m.selfTest?.input.data).toEqual(selfTest.input.data);
    expect(info.props[METADATA_KEYS.layout]).toBe("nchw");
  });

  it("defaults to nhwc and leaves selfTest out when none is given", async () => {
    const m = readOnnxMetadata(await exportOnnx({ spec, weights, part: "decoder" })).aelab;
    expect(m?.layout).toBe("nhwc");
    expect(m?.inputName).toBe("code");
    expect(m?.outputName).toBe("reconstruction");
    expect(m?.outputShape).toEqual([28, 28, 1]);
    expect(m?.selfTest).toBeUndefined();
  });

  it("is deterministic: the same inputs give the same bytes", async () => {
    const a = await exportOnnx({ spec, weights, part: "full" });
    const b = await exportOnnx({ spec, weights, part: "full" });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("refuses bytes that are not an ONNX model with INVALID_DATA", () => {
    const attempt = () => readOnnxMetadata(serializeWeights(weights));
    expect(attempt).toThrow(AelabError);
    try {
      attempt();
    } catch (error) {
      expect((error as AelabError).code).toBe("INVALID_DATA");
      expect((error as AelabError).message).toMatch(/Received: \d+ bytes/);
    }
  });
});

describe("exportOnnx input checks", () => {
  it("refuses metadata that reuses the exporter's keys", async () => {
    await expect(exportOnnx({ spec, weights, part: "full", metadata: { "aelab.spec": "{}" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/Received: aelab\.spec$/),
    });
  });

  it("refuses a self-test in the wrong layout", async () => {
    const selfTest = { input: randomTensor([1, 28, 28, 1], 1), output: randomTensor([1, 16], 2) };
    await expect(exportOnnx({ spec, weights, part: "encoder", layout: "nchw", selfTest })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/selfTest\.input must have shape \[batch,1,28,28\].*Received: shape \[1,28,28,1\]/),
    });
  });

  it("refuses non-finite weights", async () => {
    const bad = testWeights(spec, 5);
    bad.tensors[0].data[3] = Number.NaN;
    await expect(exportOnnx({ spec, weights: bad, part: "full" })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/Received: encoder\.0\.kernel\[3\]=NaN/),
    });
  });

  it("refuses weights that do not fit the spec", async () => {
    const other = testWeights(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 }), 1);
    await expect(exportOnnx({ spec, weights: other, part: "full" })).rejects.toBeInstanceOf(AelabError);
  });
});

/** The same model with one metadata_props value replaced, as another writer might have stored it. */
function withProp(bytes: Uint8Array, key: string, value: string): Uint8Array {
  const model = decodeModel(bytes);
  const props = (model.metadata_props ?? []).map((p) => (p.key === key ? { key, value } : p));
  return encodeModel({ ...model, metadata_props: props } as unknown as ModelInit);
}

describe("aelab.input_scaling", () => {
  // Statistics that a decimal round trip at float32 precision would change.
  const standardize: InputScaling = { type: "standardize", mean: [0.1307, 1 / 3, -2.5e-9], std: [0.3081, Math.PI / 7, 1e-300] };
  const rgb: AutoencoderSpec = { ...presetSpec("conv", { inputShape: [8, 8, 3], hiddenSize: 4 }), input: { shape: [8, 8, 3], scaling: standardize } };

  it("round-trips the standardize form exactly, as JSON, and types it", async () => {
    const bytes = await exportOnnx({ spec: rgb, weights: testWeights(rgb, 2), part: "full" });
    const info = readOnnxMetadata(bytes);
    expect(JSON.parse(info.props[METADATA_KEYS.inputScaling])).toEqual(standardize);
    const scaling = info.aelab?.inputScaling;
    expect(scaling).toEqual(standardize);
    if (typeof scaling !== "object") throw new Error("expected the standardize form");
    expect(scaling.type).toBe("standardize");
    expect(scaling.mean.every((v, i) => Object.is(v, standardize.mean[i]))).toBe(true);
    expect(scaling.std.every((v, i) => Object.is(v, standardize.std[i]))).toBe(true);
    expect(info.aelab?.spec.input.scaling).toEqual(standardize);
  });

  it("accepts one statistic for every channel", async () => {
    const single: AutoencoderSpec = { ...rgb, input: { shape: [8, 8, 3], scaling: { type: "standardize", mean: [0.5], std: [0.25] } } };
    const info = readOnnxMetadata(await exportOnnx({ spec: single, weights: testWeights(single, 2), part: "encoder" }));
    expect(info.aelab?.inputScaling).toEqual({ type: "standardize", mean: [0.5], std: [0.25] });
  });

  it("still writes and reads unit and none as plain strings, and reads them JSON-quoted too", async () => {
    const unit = await exportOnnx({ spec, weights, part: "full" });
    expect(readOnnxMetadata(unit).props[METADATA_KEYS.inputScaling]).toBe("unit");
    const none: AutoencoderSpec = { ...spec, input: { ...spec.input, scaling: "none" } };
    const noneBytes = await exportOnnx({ spec: none, weights, part: "full" });
    expect(readOnnxMetadata(noneBytes).props[METADATA_KEYS.inputScaling]).toBe("none");
    expect(readOnnxMetadata(noneBytes).aelab?.inputScaling).toBe("none");
    expect(readOnnxMetadata(withProp(unit, METADATA_KEYS.inputScaling, '"unit"')).aelab?.inputScaling).toBe("unit");
  });

  it("refuses a value that is no scaling, or that contradicts the spec, with INVALID_DATA", async () => {
    const unit = await exportOnnx({ spec, weights, part: "full" });
    expect(() => readOnnxMetadata(withProp(unit, METADATA_KEYS.inputScaling, "minmax"))).toThrow(
      /aelab\.input_scaling must be "unit", "none" or a JSON.*Received: "minmax"$/,
    );
    expect(() => readOnnxMetadata(withProp(unit, METADATA_KEYS.inputScaling, '{"type":"standardize","mean":[0],"std":[0]}'))).toThrow(/Received: "\{/);
    expect(() => readOnnxMetadata(withProp(unit, METADATA_KEYS.inputScaling, "none"))).toThrow(
      /must agree with the spec's input\.scaling\. Received: "none" vs "unit"$/,
    );
    try {
      readOnnxMetadata(withProp(unit, METADATA_KEYS.inputScaling, "minmax"));
    } catch (error) {
      expect((error as AelabError).code).toBe("INVALID_DATA");
    }
  });
});
