import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./run-cli.ts";

// A short version of the main job, on real MNIST digits: dense and conv at two
// code sizes, tracked in a real SQLite file, best run exported and checked under
// onnxruntime-node.
const dir = mkdtempSync(join(tmpdir(), "aelab-sweep-"));
const db = join(dir, "aelab.db");
const EPOCHS = 2;
let result: CliResult;

beforeAll(async () => {
  writeFileSync(
    join(dir, "sweep.yaml"),
    [
      "name: it-sweep",
      "data: { source: mnist, limit: 5000, validationFraction: 0.1, seed: 7 }",
      `training: { epochs: ${EPOCHS}, batchSize: 32, optimizer: { name: adam, learningRate: 0.005 }, backend: auto }`,
      "model: { loss: bce }",
      "parameters:",
      "  architecture: { values: [dense, conv] }",
      "  hiddenSize: { values: [2, 32] }",
    ].join("\n"),
  );
  result = await runCli(["--db", db, "--artifacts", join(dir, "artifacts"), "sweep", "sweep.yaml", "--out", join(dir, "onnx")], { cwd: dir });
}, 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("aelab sweep on real MNIST", () => {
  it("exits 0 and prints the comparison table with a finite validation loss for every run", () => {
    expect(result.stderr + result.stdout).not.toMatch(/FAILED/);
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => /^(dense|conv)\s/.test(l));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const valMse = Number(row.split(/\s+/)[5]);
      expect(Number.isFinite(valMse)).toBe(true);
    }
    expect(result.stdout).toMatch(/Mean-image baseline.*val MSE 0\.0\d+/);
    expect(result.stdout).toContain("npx aelab dashboard");
  });

  it("records every run and every epoch's train and validation loss in SQLite", async () => {
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      const { runs, total } = await tracker.listRuns({ limit: 100 });
      expect(total).toBe(4);
      for (const run of runs) {
        expect(run.status).toBe("finished");
        expect(run.backend).toMatch(/^(tfjs-|onnxruntime)/);
        const points = await tracker.getMetrics(run.id, ["train_loss", "val_loss", "val_mse"]);
        for (const key of ["train_loss", "val_loss", "val_mse"]) {
          const series = points.filter((p) => p.key === key).sort((a, b) => a.step - b.step);
          expect(series.map((p) => p.step)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
          expect(series.every((p) => Number.isFinite(p.value) && p.value > 0)).toBe(true);
        }
        expect(run.summary.pca_val_mse?.latest).toBeGreaterThan(0);
      }
    } finally {
      await tracker.close();
    }
  });

  it("trains the conv model with a 32-d code to a lower validation MSE than the mean-image baseline", async () => {
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      const conv = (await tracker.listRuns({ architecture: ["conv"], hiddenSize: [32] })).runs[0];
      const best = conv.summary.val_mse.min;
      const meanImage = conv.summary.mean_image_val_mse.latest;
      expect(meanImage).toBeGreaterThan(0.05);
      expect(best).toBeLessThan(meanImage * 0.8);
    } finally {
      await tracker.close();
    }
  });

  it("exports the best run to ONNX whose encoder matches TensorFlow.js within 1e-4 on real digits", async () => {
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      const exported = (await tracker.listRuns({ limit: 100 })).runs.filter((r) => r.summary.onnx_parity_encoder);
      expect(exported).toHaveLength(1);
      const parity = exported[0].summary;
      expect(parity.onnx_parity_encoder.latest).toBeLessThanOrEqual(1e-4);
      expect(parity.onnx_parity_decoder.latest).toBeLessThanOrEqual(1e-4);
      expect(parity.onnx_parity_full.latest).toBeLessThanOrEqual(1e-4);
      const artifacts = await tracker.listArtifacts(exported[0].id);
      const onnx = artifacts.filter((a) => a.kind.startsWith("onnx-"));
      expect(onnx.map((a) => a.kind).sort()).toEqual(["onnx-decoder", "onnx-encoder", "onnx-full"]);
      for (const a of onnx) expect(existsSync(a.path)).toBe(true);
    } finally {
      await tracker.close();
    }
  });
});
