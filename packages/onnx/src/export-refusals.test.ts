import { presetSpec, type AutoencoderSpec, type LayerSpec } from "@aelab/core";
import { describe, expect, it } from "vitest";
import type { OnnxLayout, OnnxPart } from "./compatibility.ts";
import { exportOnnx } from "./export-onnx.ts";
import { testWeights } from "./internal/ort-test-support.ts";

const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 });
const weights = testWeights(spec, 1);

function withLayer(layer: unknown): AutoencoderSpec {
  return { ...spec, decoder: [...spec.decoder.slice(0, 1), layer as LayerSpec, ...spec.decoder.slice(1)] };
}

describe("requests outside ONNX_COMPATIBILITY are refused with EXPORT_UNSUPPORTED", () => {
  const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
    ["another opset", () => exportOnnx({ spec, weights, part: "full", opset: 18 }), /opset 17 only.*Received: opset=18$/],
    ["another IR version", () => exportOnnx({ spec, weights, part: "full", irVersion: 10 }), /IR version 8 only.*Received: irVersion=10$/],
    ["an unknown part", () => exportOnnx({ spec, weights, part: "middle" as OnnxPart }), /Received: part="middle"$/],
    ["an unknown layout", () => exportOnnx({ spec, weights, part: "full", layout: "nchwc" as OnnxLayout }), /Received: layout="nchwc"$/],
    [
      "an unknown layer type",
      () => exportOnnx({ spec: withLayer({ type: "lstm", units: 4 }), weights, part: "full" }),
      /Layer decoder\.1 cannot be exported.*Received: type="lstm"$/,
    ],
    [
      "an unknown activation",
      () =>
        exportOnnx({
          spec: { ...spec, encoder: [spec.encoder[0], { type: "dense", units: 16, activation: "swish" } as unknown as LayerSpec] },
          weights,
          part: "encoder",
        }),
      /Layer encoder\.1 has an activation.*Received: activation="swish"$/,
    ],
  ];
  it.each(cases)("%s", async (_name, attempt, message) => {
    await expect(attempt()).rejects.toMatchObject({ name: "AelabError", code: "EXPORT_UNSUPPORTED", message: expect.stringMatching(message) });
  });
});
