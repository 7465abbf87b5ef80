/**
 * The export parity gate on a variational autoencoder. The training side is a
 * backend over the reference forward pass (the semantics every backend must
 * match); the ONNX side is the same reference, or a deliberately wrong one, so
 * the test pins what the gate compares: the encoder's mean against `encode`, the
 * full model (decoding the mean) against `reconstruct`. ONNX Runtime's own VAE
 * parity against the reference is tested in @aelab/onnx and
 * @aelab/backend-onnxruntime (adapters are off limits to domain packages).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AelabError,
  BackendRegistry,
  Random,
  initializeWeights,
  maxAbsDiff,
  perSampleMse,
  presetSpec,
  serializeWeights,
  type Backend,
  type Float32Tensor,
  type ModelHandler,
  type ModelOptions,
} from "@aelab/core";
import { readOnnxMetadata } from "@aelab/onnx";
import { randomTensor, referenceForward, referenceOutputs } from "@aelab/onnx/testing";
import { createTracker, type Tracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportRun } from "./export-run.ts";

type Twist = "none" | "encode-logvar" | "sample-code";

/** A model handler over `referenceForward`; `twist` makes it wrong in a VAE-specific way. */
function referenceModel({ spec, weights }: ModelOptions, twist: Twist): ModelHandler {
  const forward = (part: "encoder" | "decoder" | "full", input: Float32Tensor) => referenceOutputs({ spec, weights, part, input });
  const decode = async (code: Float32Tensor) => forward("decoder", code).output;
  const sampled = (x: Float32Tensor): Float32Tensor => {
    const { output: mean, logvar } = forward("encoder", x);
    if (!logvar) throw new Error("a VAE encoder has a log-variance");
    const rng = new Random(7);
    return { data: mean.data.map((m, i) => m + Math.exp(logvar.data[i] / 2) * rng.normal()), shape: mean.shape };
  };
  const encode = async (x: Float32Tensor) => {
    const { output, logvar } = forward("encoder", x);
    return twist === "encode-logvar" && logvar ? logvar : output;
  };
  const reconstruct = async (x: Float32Tensor) => (twist === "sample-code" ? decode(sampled(x)) : forward("full", x).output);
  return {
    encode,
    decode,
    reconstruct,
    score: async (x) => perSampleMse(x, await reconstruct(x)),
    dispose: async () => undefined,
  };
}

function referenceBackend(name: string, twist: Twist = "none"): Backend {
  return {
    name,
    init: async () => undefined,
    info: () => ({ name, detail: `${name}: referenceForward (${twist})` }),
    supports: () => ({ ok: true, missing: [] }),
    createModel: async (options) => referenceModel(options, twist),
  };
}

const spec = presetSpec("vae", { inputShape: [28, 28, 1], hiddenSize: 8 });
const weights = initializeWeights(spec, 42);
// 200 samples: two parity chunks of at most 128.
const samples = randomTensor([200, 28, 28, 1], 3);
let dir: string;
let tracker: Tracker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aelab-export-run-"));
  tracker = await createTracker({ url: `file:${join(dir, "runs.db")}` });
});
afterAll(async () => {
  await tracker?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function vaeRun(): Promise<string> {
  const run = await tracker.startRun({ experimentName: "export", name: "vae-h8", architecture: "vae", hiddenSize: 8, spec, backend: "trainer" });
  const bytes = serializeWeights(weights);
  const path = join(dir, `${run.id}.aelw`);
  writeFileSync(path, bytes);
  await tracker.logArtifact(run.id, { kind: "weights", path, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  return run.id;
}

function registry(onnxTwist: Twist): BackendRegistry {
  const r = new BackendRegistry();
  r.register(referenceBackend("trainer"));
  r.register(referenceBackend("onnx-reference", onnxTwist));
  return r;
}

describe("exportRun on a VAE run", () => {
  it("passes the gate, writes all three parts, and the encoder carries the mean and the log-variance", async () => {
    const runId = await vaeRun();
    const outDir = join(dir, "ok");
    const result = await exportRun({
      tracker,
      registry: registry("none"),
      runId,
      parts: ["encoder", "decoder", "full"],
      outDir,
      samples,
      onnxBackend: "onnx-reference",
    });
    expect(result).toMatchObject({ referenceBackend: "trainer", onnxBackend: "onnx-reference", samples: 200 });
    expect(result.files.map((f) => [f.part, f.parity])).toEqual([
      ["encoder", 0],
      ["decoder", 0],
      ["full", 0],
    ]);
    const encoder = readOnnxMetadata(readFileSync(result.files[0].path));
    expect(encoder.outputs.map((o) => o.name)).toEqual(["code", "code_logvar"]);
    expect(encoder.aelab?.user["aelab.run_id"]).toBe(runId);
    expect(readOnnxMetadata(readFileSync(result.files[2].path)).outputs.map((o) => o.name)).toEqual(["reconstruction"]);
    // Each file carries a self-test: the first 2 parity samples and the training backend's outputs for them.
    const first2 = { data: samples.data.slice(0, 2 * 784), shape: [2, 28, 28, 1] };
    const mean = referenceOutputs({ spec, weights, part: "encoder", input: first2 }).output;
    const expected = {
      encoder: [first2, mean],
      decoder: [mean, referenceOutputs({ spec, weights, part: "decoder", input: mean }).output],
      full: [first2, referenceOutputs({ spec, weights, part: "full", input: first2 }).output],
    };
    for (const file of result.files) {
      const selfTest = readOnnxMetadata(readFileSync(file.path)).aelab?.selfTest;
      const [input, output] = expected[file.part];
      expect(selfTest?.input).toEqual(input);
      expect(selfTest?.output).toEqual(output);
    }
    const logged = (await tracker.getMetrics(runId)).filter((m) => m.key.startsWith("onnx_parity_")).map((m) => [m.key, m.value]);
    expect(logged.sort()).toEqual([
      ["onnx_parity_decoder", 0],
      ["onnx_parity_encoder", 0],
      ["onnx_parity_full", 0],
    ]);
    expect((await tracker.listArtifacts(runId)).map((a) => a.kind)).toEqual(["weights", "onnx-encoder", "onnx-decoder", "onnx-full"]);
  });

  it.each([
    ["encode gives the log-variance instead of the mean", "encode-logvar", "encoder"],
    ["reconstruct samples the code instead of decoding the mean", "sample-code", "full"],
  ] as const)("refuses with EXPORT_PARITY and writes nothing when the ONNX side's %s", async (_what, twist, failing) => {
    const runId = await vaeRun();
    const outDir = join(dir, twist);
    const error = await exportRun({
      tracker,
      registry: registry(twist),
      runId,
      parts: ["encoder", "full"],
      outDir,
      samples,
      onnxBackend: "onnx-reference",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AelabError);
    expect(error).toMatchObject({
      code: "EXPORT_PARITY",
      message: expect.stringMatching(/differs from trainer by up to .*nothing was written\. Received: encoder=.*, full=.*$/),
    });
    // Nothing is written, not even the folder.
    expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
    const parity = Object.fromEntries((await tracker.getMetrics(runId)).map((m) => [m.key, m.value]));
    expect(parity[`onnx_parity_${failing}`]).toBeGreaterThan(0.01);
    expect(parity[`onnx_parity_${failing === "encoder" ? "full" : "encoder"}`]).toBe(0);
  });
});

it("the reference the gate relies on is deterministic for a VAE: full = decode(mean)", () => {
  const x = samples.data.subarray(0, 5 * 784);
  const input = { data: Float32Array.from(x), shape: [5, 28, 28, 1] };
  const mean = referenceForward({ spec, weights, part: "encoder", input });
  // Equal up to rounding the mean to float32 between the two passes.
  expect(maxAbsDiff(referenceForward({ spec, weights, part: "full", input }), referenceForward({ spec, weights, part: "decoder", input: mean }))).toBeLessThan(
    1e-6,
  );
});
