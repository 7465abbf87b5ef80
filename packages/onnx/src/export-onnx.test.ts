import { PRESET_NAMES, inferShapes, maxAbsDiff, presetSpec, type AutoencoderSpec, type Float32Tensor } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { ONNX_COMPATIBILITY, type OnnxLayout, type OnnxPart } from "./compatibility.ts";
import { exportOnnx } from "./export-onnx.ts";
import { decodeModel } from "./internal/proto.ts";
import { EXTRA_SPECS, runOnnx, testWeights } from "./internal/ort-test-support.ts";
import { ONNX_IO_NAMES } from "./metadata.ts";
import { nchwToNhwc, nhwcToNchw, randomTensor, referenceForward } from "./testing/index.ts";

const PARTS: OnnxPart[] = ["encoder", "decoder", "full"];
const TOLERANCE = 1e-4;

/** Exports `part`, runs it under onnxruntime-node on a random batch and returns max |ORT − reference|. */
async function parity(spec: AutoencoderSpec, part: OnnxPart, layout: OnnxLayout, batch: number, seed: number): Promise<number> {
  const weights = testWeights(spec, seed);
  const bytes = await exportOnnx({ spec, weights, part, layout });
  const shapes = inferShapes(spec);
  const sample = part === "decoder" ? shapes.codeShape : shapes.inputShape;
  // Codes are unbounded; images are in [0, 1).
  const x: Float32Tensor = part === "decoder" ? randomTensor([batch, ...sample], seed + 7, -2, 2) : randomTensor([batch, ...sample], seed + 7);
  const expected = referenceForward({ spec, weights, part, input: x });
  const feed = layout === "nchw" ? nhwcToNchw(x) : x;
  const names = ONNX_IO_NAMES[part];
  const raw = await runOnnx(bytes, names.input, names.output, feed);
  const got = layout === "nchw" ? nchwToNhwc(raw) : raw;
  expect(got.shape).toEqual(expected.shape);
  return maxAbsDiff(got, expected);
}

describe.each(PRESET_NAMES)("preset %s (28x28x1, hidden 16) under onnxruntime-node", (preset) => {
  const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 16 });
  it.each(PARTS)("%s matches the TF.js reference at batch 1 and 7 (nhwc)", async (part) => {
    for (const batch of [1, 7]) expect(await parity(spec, part, "nhwc", batch, 11)).toBeLessThan(TOLERANCE);
  });
  it("full model matches in nchw layout at batch 7", async () => {
    expect(await parity(spec, "full", "nchw", 7, 12)).toBeLessThan(TOLERANCE);
  });
});

describe.each(Object.keys(EXTRA_SPECS))("spec %s under onnxruntime-node", (name) => {
  const spec = EXTRA_SPECS[name];
  for (const layout of ["nhwc", "nchw"] as const) {
    it.each(PARTS)(`%s matches the TF.js reference at batch 1 and 7 (${layout})`, async (part) => {
      for (const batch of [1, 7]) expect(await parity(spec, part, layout, batch, 21)).toBeLessThan(TOLERANCE);
    });
  }
});

describe("graph structure", () => {
  it("uses only tabled operators, explicit pads, and a dynamic batch axis", async () => {
    const specs = [...PRESET_NAMES.map((p) => presetSpec(p, { inputShape: [28, 28, 1], hiddenSize: 16 })), ...Object.values(EXTRA_SPECS)];
    const ops = new Set<string>();
    for (const spec of specs) {
      for (const layout of ["nhwc", "nchw"] as const) {
        const model = decodeModel(await exportOnnx({ spec, weights: testWeights(spec, 1), part: "full", layout }));
        expect(model.ir_version).toBe(ONNX_COMPATIBILITY.irVersion);
        expect(model.opset_import).toEqual([{ domain: "", version: ONNX_COMPATIBILITY.opset }]);
        for (const node of model.graph?.node ?? []) {
          ops.add(node.op_type ?? "");
          expect(node.attribute?.map((a) => a.name)).not.toContain("auto_pad");
          if (["Conv", "ConvTranspose", "MaxPool"].includes(node.op_type ?? "")) expect(node.attribute?.map((a) => a.name)).toContain("pads");
        }
        for (const io of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
          expect(io.type?.tensor_type?.shape?.dim?.[0]).toEqual({ dim_param: "batch" });
        }
      }
    }
    expect([...ops].filter((op) => !(ONNX_COMPATIBILITY.operators as readonly string[]).includes(op))).toEqual([]);
  });

  it("inserts no Transpose for dense models and none in nchw layout for the seed-conv encoder", async () => {
    const count = async (spec: AutoencoderSpec, part: OnnxPart, layout: OnnxLayout) =>
      (decodeModel(await exportOnnx({ spec, weights: testWeights(spec, 1), part, layout })).graph?.node ?? []).filter((n) => n.op_type === "Transpose").length;
    expect(await count(presetSpec("deep-dense", { inputShape: [28, 28, 1], hiddenSize: 16 }), "full", "nhwc")).toBe(0);
    const seed = presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
    expect(await count(seed, "encoder", "nchw")).toBe(0);
    expect(await count(seed, "encoder", "nhwc")).toBe(2);
  });

  it("writes ConvTranspose pads (0,0,1,1) for the conv preset's 3x3 stride-2 'same' layers", async () => {
    const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
    const model = decodeModel(await exportOnnx({ spec, weights: testWeights(spec, 1), part: "decoder" }));
    const convT = (model.graph?.node ?? []).filter((n) => n.op_type === "ConvTranspose");
    expect(convT).toHaveLength(2);
    for (const node of convT) {
      const attrs = Object.fromEntries((node.attribute ?? []).map((a) => [a.name, a.ints]));
      expect(attrs.pads).toEqual([0, 0, 1, 1]);
      expect(attrs.output_padding).toEqual([0, 0]);
    }
  });
});
