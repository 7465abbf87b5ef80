/**
 * A trial whose loss blows up stops at once, is recorded as failed with the
 * epoch and step, and the rest of the sweep goes on. The blow-up is real: a
 * VAE on real MNIST with Adam at learning rate 10 overflows exp(log-variance).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-diverge-"));
const db = join(dir, "aelab.db");
let result: CliResult;

beforeAll(async () => {
  writeFileSync(
    join(dir, "sweep.yaml"),
    [
      "name: diverge",
      "data: { source: mnist, limit: 1000, validationFraction: 0.1, seed: 7 }",
      "training: { epochs: 2, batchSize: 50, optimizer: { name: adam }, backend: tfjs-wasm }",
      "parameters:",
      "  architecture: { values: [vae] }",
      "  hiddenSize: { values: [4] }",
      "  training.optimizer.learningRate: { values: [10, 0.001] }",
    ].join("\n"),
  );
  result = await runCli(["--db", db, "--artifacts", join(dir, "artifacts"), "sweep", "sweep.yaml", "--out", join(dir, "onnx")], { cwd: dir });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a diverging trial in a sweep", () => {
  it("is reported, and the sweep still finishes and exports the good trial; the exit code says a trial failed", () => {
    expect(result.code).toBe(6);
    expect(result.stderr + result.stdout).toMatch(/learningRate=10 FAILED: training loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+/);
    expect(result.stdout).toMatch(/Best run: vae-h4 learningRate=0\.001/);
  });

  it("is recorded failed with its epoch and step; the other trial finished with finite losses for every epoch", async () => {
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      const { runs, total } = await tracker.listRuns({ orderBy: "name", direction: "asc" });
      expect(total).toBe(2);
      const [good, bad] = runs.sort((a, b) => Number(a.params.learningRate) - Number(b.params.learningRate));
      expect(bad.status).toBe("failed");
      expect(bad.endedAt).not.toBeNull();
      expect(bad.tags.failedEpoch).toBe("1");
      const step = Number(bad.tags.failedStep);
      expect(step).toBeGreaterThanOrEqual(1);
      expect(step).toBeLessThanOrEqual(18);
      expect(bad.error).toBe(`training loss became ${/became (\S+) at/.exec(bad.error ?? "")?.[1]} at epoch 1, step ${step}`);
      // No epoch finished, so no epoch metrics and no weights.
      expect((await tracker.getMetrics(bad.id, ["val_loss"])).length).toBe(0);
      expect((await tracker.listArtifacts(bad.id)).filter((a) => a.kind === "weights")).toHaveLength(0);

      expect(good.status).toBe("finished");
      const val = (await tracker.getMetrics(good.id, ["val_loss"])).sort((a, b) => a.step - b.step);
      expect(val.map((p) => p.step)).toEqual([1, 2]);
      expect(val.every((p) => Number.isFinite(p.value))).toBe(true);
      const sweeps = await tracker.listSweeps();
      expect(sweeps.map((s) => s.status)).toEqual(["finished"]);
    } finally {
      await tracker.close();
    }
  });
});
