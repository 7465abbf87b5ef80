/**
 * `aelab export` on a run trained on Debian's Fashion-MNIST IDX files: the
 * parity gate rebuilds the run's own validation split from the data block
 * stored on the run, runs the exact bytes it writes, and an NCHW export takes
 * channels-first input. Real files, real onnxruntime-node, a real SQLite file.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { FASHION_MNIST_DIR } from "@aelab/data";
import { createTracker, type RunRecord } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-export-"));
const db = join(dir, "aelab.db");
const haveFashion = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));
let run: RunRecord;
let exported: CliResult;

beforeAll(async () => {
  if (!haveFashion) return;
  writeFileSync(
    join(dir, "run.yaml"),
    [
      "name: fashion-conv",
      "model: { preset: conv, hiddenSize: 16, loss: bce }",
      "training: { epochs: 1, batchSize: 64, optimizer: { name: adam, learningRate: 0.002 }, backend: tfjs-wasm }",
      `data: { source: fashion-mnist, dir: ${FASHION_MNIST_DIR}, limit: 2000, validationFraction: 0.2, seed: 9 }`,
    ].join("\n"),
  );
  const trained = await runCli(["--db", db, "--artifacts", join(dir, "artifacts"), "train", "run.yaml"], { cwd: dir });
  if (trained.code !== 0) throw new Error(`aelab train exited ${trained.code}: ${trained.stderr}`);
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    run = (await tracker.listRuns()).runs[0];
  } finally {
    await tracker.close();
  }
  exported = await runCli(["--db", db, "export", run.id, "--part", "encoder,full,encoder", "--layout", "nchw", "--out", join(dir, "onnx")], { cwd: dir });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveFashion && process.env.CI !== "true")("aelab export --layout nchw of a Fashion-MNIST run", () => {
  it("passes the gate on the run's own split and writes channels-first files, each part once (--part encoder,full,encoder)", async () => {
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      const artifacts = (await tracker.listArtifacts(run.id)).filter((a) => a.kind.startsWith("onnx-"));
      expect(artifacts.map((a) => basename(a.path)).sort()).toEqual([`fashion-conv-${run.id}-encoder-nchw.onnx`, `fashion-conv-${run.id}-full-nchw.onnx`]);
      const summary = (await tracker.getRun(run.id))!.summary;
      expect(summary.onnx_parity_encoder.latest).toBeLessThanOrEqual(1e-4);
      expect(summary.onnx_parity_full.latest).toBeLessThanOrEqual(1e-4);
      for (const artifact of artifacts) {
        const file = await loadOnnxModel(artifact.path);
        expect(file.metadata?.layout).toBe("nchw");
        expect(file.inputShape).toEqual([1, 28, 28]);
        // The stored self-test (two validation samples, in NCHW) passes under onnxruntime-node.
        const check = await file.runSelfTest();
        expect(check?.passed).toBe(true);
        expect(check?.samples).toBe(2);
        await file.dispose();
      }
    } finally {
      await tracker.close();
    }
  });

  it("refuses an unknown layout with exit 2, naming the flag and the value", async () => {
    const bad = await runCli(["--db", db, "export", run.id, "--layout", "chw"], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--layout must be nhwc or nchw. Received: "chw"');
  });
});
