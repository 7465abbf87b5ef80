/**
 * Reproducibility end to end: the same run file and seed on tfjs-cpu give the
 * same split, the same loss curve and byte-identical weights; another seed
 * gives another split and other weights. Real MNIST digits, a real SQLite file.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { createTracker, type RunRecord } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-repro-"));
const db = join(dir, "aelab.db");
const runs: Record<string, { record: RunRecord; curve: number[]; trainCurve: number[]; weightsSha: string }> = {};

async function train(name: string, seed: number) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      "model: { preset: dense, hiddenSize: 8, loss: bce }",
      `training: { epochs: 3, batchSize: 32, optimizer: { name: adam, learningRate: 0.003 }, backend: tfjs-cpu, seed: ${seed} }`,
      `data: { source: mnist, limit: 1200, validationFraction: 0.25, seed: ${seed} }`,
    ].join("\n"),
  );
  const result = await runCli(["--db", db, "--artifacts", join(dir, "artifacts"), "train", file], { cwd: dir });
  if (result.code !== 0) throw new Error(`aelab train exited ${result.code}: ${result.stderr}`);
}

beforeAll(async () => {
  await train("a", 5);
  await train("b", 5);
  await train("c", 6);
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    for (const record of (await tracker.listRuns({ limit: 10 })).runs) {
      const series = async (key: string) => (await tracker.getMetrics(record.id, [key])).sort((x, y) => x.step - y.step).map((p) => p.value);
      const weights = (await tracker.listArtifacts(record.id)).find((a) => a.kind === "weights")!;
      runs[record.name] = {
        record,
        curve: await series("val_loss"),
        trainCurve: await series("train_loss"),
        weightsSha: createHash("sha256").update(readFileSync(weights.path)).digest("hex"),
      };
    }
  } finally {
    await tracker.close();
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the same seed on tfjs-cpu", () => {
  it("gives the same stored split, the same loss curves and byte-identical weights", () => {
    const { a, b } = runs;
    expect(a.record.backend).toBe("tfjs-cpu");
    expect(a.record.split).toEqual(b.record.split);
    expect(a.curve).toHaveLength(3);
    expect(a.curve).toEqual(b.curve);
    expect(a.trainCurve).toEqual(b.trainCurve);
    expect(a.weightsSha).toBe(b.weightsSha);
    // The loss curve is a real one: it falls.
    expect(a.curve[2]).toBeLessThan(a.curve[0]);
  });

  it("and another seed gives another split, other losses and other weights", () => {
    const { a, c } = runs;
    const indices = (r: RunRecord) => (r.split as { validationIndices: number[] }).validationIndices;
    expect(indices(c.record)).toHaveLength(indices(a.record).length);
    expect(indices(c.record)).not.toEqual(indices(a.record));
    expect(c.curve[0]).not.toBe(a.curve[0]);
    expect(c.weightsSha).not.toBe(a.weightsSha);
  });
});
