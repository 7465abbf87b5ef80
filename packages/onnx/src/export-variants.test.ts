/**
 * Dropout and variational autoencoders under onnxruntime-node, to 1e-5: dropout
 * exports as nothing at all, and a VAE's encoder has two outputs (mean and
 * log-variance) that both match the reference forward pass.
 */
import { inferShapes, maxAbsDiff, presetSpec, type AutoencoderSpec, type Float32Tensor, type NeutralWeights } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { ONNX_COMPATIBILITY, type OnnxLayout, type OnnxPart } from "./compatibility.ts";
import { exportOnnx } from "./export-onnx.ts";
import { decodeModel } from "./internal/proto.ts";
import { EXTRA_SPECS, runOnnxOutputs, testWeights } from "./internal/ort-test-support.ts";
import { ONNX_IO_NAMES, ONNX_LOGVAR_OUTPUT, readOnnxMetadata } from "./metadata.ts";
import { nchwToNhwc, nhwcToNchw, randomTensor, referenceForward, referenceOutputs } from "./testing/index.ts";

const TOLERANCE = 1e-5;
const PARTS: OnnxPart[] = ["encoder", "decoder", "full"];

function sampleInput(spec: AutoencoderSpec, part: OnnxPart, batch: number, seed: number): Float32Tensor {
  const shapes = inferShapes(spec);
  return part === "decoder" ? randomTensor([batch, ...shapes.codeShape], seed, -2, 2) : randomTensor([batch, ...shapes.inputShape], seed);
}

/** Every ONNX output of `part` on `x` (channels-last in and out, whatever the exported layout). */
async function runPart(spec: AutoencoderSpec, weights: NeutralWeights, part: OnnxPart, layout: OnnxLayout, x: Float32Tensor) {
  const bytes = await exportOnnx({ spec, weights, part, layout });
  const outputs = await runOnnxOutputs(bytes, ONNX_IO_NAMES[part].input, layout === "nchw" ? nhwcToNchw(x) : x);
  return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, layout === "nchw" ? nchwToNhwc(t) : t]));
}

/** The spec without its dropout layers, and the same weights renamed to its layer ids. */
function withoutDropout(spec: AutoencoderSpec, weights: NeutralWeights): { spec: AutoencoderSpec; weights: NeutralWeights } {
  const plain = { ...spec, encoder: spec.encoder.filter((l) => l.type !== "dropout"), decoder: spec.decoder.filter((l) => l.type !== "dropout") };
  const rename = new Map<string, string>();
  for (const part of ["encoder", "decoder"] as const) {
    let kept = 0;
    spec[part].forEach((layer, i) => {
      if (layer.type === "dropout") return;
      for (const role of ["kernel", "bias"]) rename.set(`${part}.${i}.${role}`, `${part}.${kept}.${role}`);
      kept++;
    });
  }
  return { spec: plain, weights: { ...weights, tensors: weights.tensors.map((t) => ({ ...t, name: rename.get(t.name) ?? t.name })) } };
}

describe("dropout exports as the identity", () => {
  const spec = EXTRA_SPECS["dropout-6x6x2"];
  const weights = testWeights(spec, 31);

  for (const layout of ["nhwc", "nchw"] as const) {
    it.each(PARTS)(`%s matches the reference to 1e-5 at batch 1 and 7 (${layout})`, async (part) => {
      for (const batch of [1, 7]) {
        const x = sampleInput(spec, part, batch, 40 + batch);
        const got = (await runPart(spec, weights, part, layout, x))[ONNX_IO_NAMES[part].output];
        const expected = referenceForward({ spec, weights, part, input: x });
        expect(got.shape).toEqual(expected.shape);
        expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  }

  it("gives the same graph and outputs as the spec without dropout", async () => {
    const plain = withoutDropout(spec, weights);
    const x = randomTensor([5, 6, 6, 2], 3);
    // The reference ignores dropout too: bit-identical outputs.
    expect([...referenceForward({ spec, weights, part: "full", input: x }).data]).toEqual([...referenceForward({ ...plain, part: "full", input: x }).data]);
    for (const layout of ["nhwc", "nchw"] as const) {
      const ops = async (s: AutoencoderSpec, w: NeutralWeights) =>
        (decodeModel(await exportOnnx({ spec: s, weights: w, part: "full", layout })).graph?.node ?? []).map((n) => n.op_type);
      expect(await ops(spec, weights)).toEqual(await ops(plain.spec, plain.weights));
    }
    expect(ONNX_COMPATIBILITY.layers.dropout).toEqual([]);
  });

  it("an encoder of dropout alone is an Identity from input to code", async () => {
    const tiny: AutoencoderSpec = {
      ...presetSpec("dense", { inputShape: [4], hiddenSize: 4 }),
      encoder: [{ type: "dropout", rate: 0.5 }],
      decoder: [{ type: "dropout", rate: 0.5 }],
    };
    const model = decodeModel(await exportOnnx({ spec: tiny, weights: { format: "aelab-weights/1", tensors: [] }, part: "full" }));
    expect(model.graph?.node?.map((n) => [n.op_type, n.input, n.output])).toEqual([["Identity", ["input"], ["reconstruction"]]]);
  });
});

describe.each([
  ["preset vae (28x28x1, hidden 16)", presetSpec("vae", { inputShape: [28, 28, 1], hiddenSize: 16 })],
  ["vae-conv-8x8x1 (conv, dropout before the heads)", EXTRA_SPECS["vae-conv-8x8x1"]],
])("variational autoencoder %s", (_name, spec) => {
  const weights = testWeights(spec, 51);
  const shapes = inferShapes(spec);

  it("the encoder has two outputs, code (mean) and code_logvar, with a dynamic batch axis", async () => {
    const bytes = await exportOnnx({ spec, weights, part: "encoder" });
    const info = readOnnxMetadata(bytes);
    expect(info.outputs).toEqual([
      { name: "code", shape: ["batch", ...shapes.codeShape] },
      { name: ONNX_LOGVAR_OUTPUT, shape: ["batch", ...shapes.codeShape] },
    ]);
    expect(ONNX_LOGVAR_OUTPUT).toBe("code_logvar");
    expect(info.aelab?.outputName).toBe("code");
    expect(info.aelab?.logvarName).toBe("code_logvar");
    const gemms = (decodeModel(bytes).graph?.node ?? []).filter((n) => n.op_type === "Gemm").map((n) => n.input?.slice(1));
    expect(gemms).toContainEqual([`${shapes.variationalLayer}.kernel`, `${shapes.variationalLayer}.bias`]);
    expect(gemms).toContainEqual([`${shapes.variationalLayer}.logvar.kernel`, `${shapes.variationalLayer}.logvar.bias`]);
  });

  it("the decoder and the full model have one output and no log-variance head", async () => {
    for (const part of ["decoder", "full"] as const) {
      const bytes = await exportOnnx({ spec, weights, part });
      const info = readOnnxMetadata(bytes);
      expect(info.outputs.map((o) => o.name)).toEqual(["reconstruction"]);
      expect(info.aelab?.logvarName).toBeUndefined();
      expect((decodeModel(bytes).graph?.initializer ?? []).map((t) => t.name).filter((n) => n?.includes("logvar"))).toEqual([]);
    }
  });

  it.each([1, 7, 256])("mean and log-variance match the reference to 1e-5 at batch %i (nhwc and nchw)", async (batch) => {
    const x = sampleInput(spec, "encoder", batch, 60 + batch);
    const expected = referenceOutputs({ spec, weights, part: "encoder", input: x });
    if (!expected.logvar) throw new Error("the reference must give the log-variance of a VAE encoder");
    // Distinct heads, so a swapped or duplicated output cannot pass.
    expect(maxAbsDiff(expected.output, expected.logvar)).toBeGreaterThan(0.1);
    for (const layout of ["nhwc", "nchw"] as const) {
      const got = await runPart(spec, weights, "encoder", layout, x);
      expect(Object.keys(got).sort()).toEqual(["code", "code_logvar"]);
      expect(got.code.shape).toEqual([batch, ...shapes.codeShape]);
      expect(got.code_logvar.shape).toEqual([batch, ...shapes.codeShape]);
      expect(maxAbsDiff(got.code, expected.output), `${layout} mean`).toBeLessThanOrEqual(TOLERANCE);
      expect(maxAbsDiff(got.code_logvar, expected.logvar), `${layout} log-variance`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it.each([1, 7, 256])("the full model reconstructs from the mean, and the decoder matches, to 1e-5 at batch %i", async (batch) => {
    const x = sampleInput(spec, "full", batch, 80 + batch);
    const mean = referenceForward({ spec, weights, part: "encoder", input: x });
    const fromMean = referenceForward({ spec, weights, part: "decoder", input: mean });
    // The reference's full pass is decode(mean), deterministic.
    expect(maxAbsDiff(referenceForward({ spec, weights, part: "full", input: x }), fromMean)).toBeLessThan(1e-6);
    const full = (await runPart(spec, weights, "full", "nhwc", x)).reconstruction;
    expect(maxAbsDiff(full, fromMean)).toBeLessThanOrEqual(TOLERANCE);
    const decoded = (await runPart(spec, weights, "decoder", "nhwc", mean)).reconstruction;
    expect(maxAbsDiff(decoded, fromMean)).toBeLessThanOrEqual(TOLERANCE);
  });
});

it("the variational outputs in ONNX_COMPATIBILITY are the names the exporter uses", () => {
  expect(ONNX_COMPATIBILITY.variational.encoder).toEqual([ONNX_IO_NAMES.encoder.output, ONNX_LOGVAR_OUTPUT]);
  expect(ONNX_COMPATIBILITY.variational.full).toEqual([ONNX_IO_NAMES.full.output]);
  expect(ONNX_COMPATIBILITY.variational.decoder).toEqual([ONNX_IO_NAMES.decoder.output]);
});
