/** The models router through `createCaller`, on a real SQLite tracker with real artifact files. */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { initializeWeights, perSampleMse, presetSpec, type Float32Tensor } from "@aelab/core";
import { loadMnist } from "@aelab/data";
import { referenceOutputs } from "@aelab/onnx/testing";
import { createTracker, openTrackingQueries, type Tracker, type TrackingQueries } from "@aelab/tracking";
import { buildEvaluationArtifact } from "@aelab/training";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHistogram } from "~/server/evaluation";
import { createCaller } from "./root";

let dir: string;
let tracker: Tracker;
let queries: TrackingQueries;
let caller: ReturnType<typeof createCaller>;
const runs: Record<string, string> = {};

async function record(runId: string, kind: string, file: string, bytes: Buffer): Promise<string> {
  const full = path.join(dir, file);
  writeFileSync(full, bytes);
  return (await tracker.logArtifact(runId, { kind, path: full, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") })).id;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "aelab-dashboard-models-"));
  tracker = await createTracker({ url: `file:${path.join(dir, "models.db")}` });
  queries = await openTrackingQueries({ url: `file:${path.join(dir, "models.db")}` });
  caller = createCaller({ tracker, queries });
  for (const name of ["exported", "plain", "encoder-only", "broken"]) {
    runs[name] = (await tracker.startRun({ experimentName: "models", name, architecture: "dense", hiddenSize: 8, spec: {} })).id;
  }
  await record(runs.exported, "onnx-encoder", "e.onnx", Buffer.from("encoder"));
  await record(runs.exported, "onnx-decoder", "d.onnx", Buffer.from("decoder"));
  await record(runs.exported, "weights", "w.aelw", Buffer.from("weights"));
  await tracker.logMetrics(runs.exported, [
    { key: "onnx_parity_encoder", value: 1.05e-5, step: 0 },
    { key: "onnx_parity_decoder", value: 6.8e-7, step: 0 },
  ]);
  await record(runs["encoder-only"], "onnx-encoder", "e2.onnx", Buffer.from("encoder"));
  await tracker.logMetrics(runs["encoder-only"], [{ key: "onnx_parity_encoder", value: 2e-5, step: 0 }]);
  // A real evaluation: a dense h8 model (seeded weights, reference forward pass) on 200 real digits.
  const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 8 });
  const weights = initializeWeights(spec, 3);
  const forward = (part: "encoder" | "decoder" | "full", x: Float32Tensor) => referenceOutputs({ spec, weights, part, input: x }).output;
  const mnist = loadMnist({ limit: 200 });
  const evaluation = await buildEvaluationArtifact({
    model: {
      encode: async (x) => forward("encoder", x),
      decode: async (z) => forward("decoder", z),
      reconstruct: async (x) => forward("full", x),
      score: async (x) => perSampleMse(x, forward("full", x)),
      dispose: async () => undefined,
    },
    validation: mnist.images,
    labels: mnist.labels,
    scaling: "unit",
  });
  await record(runs.exported, "evaluation", "evaluation.json", Buffer.from(JSON.stringify(evaluation)));
  await record(runs.broken, "evaluation", "broken.json", Buffer.from(JSON.stringify({ format: "aelab-evaluation/1", samples: [] })));
});

afterAll(async () => {
  await queries?.close();
  await tracker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("models router", () => {
  it("lists ONNX downloads with their parity figures, and the weights", async () => {
    const { onnx, weights, exportCommand } = await caller.models.exports({ id: runs.exported });
    expect(onnx.map((o) => [o.part, o.parity])).toEqual([
      ["encoder", 1.05e-5],
      ["decoder", 6.8e-7],
    ]);
    expect(onnx[0].href).toBe(`/api/runs/${runs.exported}/artifacts/${onnx[0].artifactId}`);
    expect(weights?.kind).toBe("weights");
    expect(exportCommand).toBe(`aelab export ${runs.exported} --part encoder,decoder`);
    expect(await caller.models.exports({ id: runs.plain })).toMatchObject({ onnx: [], weights: null });
  });

  it("gives the playground its models and starting digits, or the export command", async () => {
    const ready = await caller.models.playground({ id: runs.exported });
    expect(ready.encoder?.kind).toBe("onnx-encoder");
    expect(ready.decoder?.kind).toBe("onnx-decoder");
    expect(ready.samples?.label).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    expect(ready.samples?.input.length).toBe(Math.ceil((20 * 784 * 4) / 3) * 4);
    expect(ready.codes?.points).toHaveLength(400);
    const half = await caller.models.playground({ id: runs["encoder-only"] });
    expect(half.encoder).not.toBeNull();
    expect(half.decoder).toBeNull();
    expect(half.exportCommand).toBe(`aelab export ${runs["encoder-only"]} --part encoder,decoder`);
    expect(half.samples).toBeNull();
  });

  it("lists only runs with both an encoder and a decoder for the playground", async () => {
    expect((await caller.models.exportedRuns()).map((r) => r.name)).toEqual(["exported"]);
  });

  it("bins the per-sample errors of the evaluation", async () => {
    const evaluation = await caller.models.evaluation({ id: runs.exported });
    expect(evaluation?.errors.count).toBe(200);
    expect(evaluation?.errors.counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(evaluation?.errors.edges).toHaveLength(41);
    expect(evaluation?.codes.projection).toBe("pca");
    expect(await caller.models.evaluation({ id: runs.plain })).toBeNull();
  });

  it("reports a malformed evaluation file as unprocessable, naming the field", async () => {
    const error = await caller.models.evaluation({ id: runs.broken }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNPROCESSABLE_CONTENT");
    expect((error as TRPCError).message).toMatch(/aelab-evaluation\/1 file\. Received: inputShape:/);
  });
});

describe("errorHistogram", () => {
  it("puts every value in one of equal bins from 0 to the maximum, with quantiles", () => {
    const h = errorHistogram([0.05, 0.15, 0.25, 0.35, 0.4], 4);
    expect(h.edges.map((e) => Number(e.toFixed(6)))).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(h.counts).toEqual([1, 1, 1, 2]);
    expect(h).toMatchObject({ median: 0.25, p90: 0.35, max: 0.4, count: 5 });
    expect(h.mean).toBeCloseTo(0.24);
    expect(errorHistogram([]).counts.every((c) => c === 0)).toBe(true);
  });
});
