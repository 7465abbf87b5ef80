/**
 * Issue 5: "`aelab sweep` with `backend: onnxruntime` runs a small grid and
 * records the runs". A 2-cell grid (dense, code sizes 4 and 8, 1 epoch) on 2,000
 * real MNIST digits, trained on onnxruntime-node with 2 intra-op threads and
 * tracked in a real SQLite file; every run carries the backend, the execution
 * provider and the threads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker, type RunRecord } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-sweep-ort-"));
const db = join(dir, "aelab.db");
let result: CliResult;
let runs: RunRecord[];
let total: number;
const trainLoss: Record<string, number[]> = {};

beforeAll(async () => {
  writeFileSync(
    join(dir, "sweep.yaml"),
    [
      "name: it-sweep-ort",
      "data: { source: mnist, limit: 2000, validationFraction: 0.1, seed: 7 }",
      "training: { epochs: 1, batchSize: 64, optimizer: { name: adam, learningRate: 0.005 }, backend: onnxruntime, seed: 3 }",
      "model: { loss: bce }",
      "parameters:",
      "  architecture: { value: dense }",
      "  hiddenSize: { values: [4, 8] }",
    ].join("\n"),
  );
  result = await runCli(["--db", db, "--artifacts", join(dir, "artifacts"), "sweep", "sweep.yaml", "--out", join(dir, "onnx")], {
    cwd: dir,
    env: { AELAB_ORT_THREADS: "2" },
  });
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    ({ runs, total } = await tracker.listRuns({ limit: 100 }));
    for (const run of runs) trainLoss[run.id] = (await tracker.getMetrics(run.id, ["train_loss"])).map((p) => p.value);
  } finally {
    await tracker.close();
  }
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("aelab sweep with training.backend: onnxruntime", () => {
  it("exits 0 after training both cells", () => {
    expect(result.stderr + result.stdout).not.toMatch(/FAILED/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n").filter((l) => /^dense\s/.test(l))).toHaveLength(2);
  });

  it("records 2 finished runs on onnxruntime, with the execution provider and threads, and one epoch's losses each", () => {
    expect(total).toBe(2);
    expect(runs.map((r) => r.hiddenSize).sort()).toEqual([4, 8]);
    for (const run of runs) {
      expect(run.status).toBe("finished");
      expect(run.backend).toBe("onnxruntime");
      expect(run.sweepId).toBeTruthy();
      // e.g. "onnxruntime-node 1.23.2 [cpu], graph optimization all"
      expect(run.tags.backendDetail).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ \[cpu\]/);
      expect(run.tags.backendThreads).toBe("2");
      expect(trainLoss[run.id]).toHaveLength(1);
      expect(Number.isFinite(trainLoss[run.id][0]) && trainLoss[run.id][0] > 0).toBe(true);
      // Trained, not just recorded: per-pixel BCE well below ln 2 ≈ 0.69, an untrained model's (outputs ≈ 0.5).
      expect(run.summary.val_loss.latest).toBeLessThan(0.4);
    }
    expect(new Set(runs.map((r) => r.sweepId)).size).toBe(1);
  });
});
