import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTracker } from "@aelab/tracking";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-cli-"));
const examples = fileURLToPath(new URL("../../../../examples", import.meta.url));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("aelab train refuses bad input before recording anything", () => {
  it("exits 2 on the original Keras example, naming the layer and both shapes, and writes no run", async () => {
    const db = join(dir, "refused.db");
    const r = await runCli(["--db", db, "train", join(examples, "keras-broken.yaml")], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("[7,7,28]");
    expect(r.stderr).toContain("[28,28,1]");
    expect(r.stderr).toMatch(/decoder\.\d \(conv2dTranspose\)/);
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      expect((await tracker.listRuns()).total).toBe(0);
    } finally {
      await tracker.close();
    }
  });

  it("names the file, the field and the received value for a bad option", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "model: { preset: conv, hiddenSize: 32 }\ntraining: { batchSize: -3 }\n");
    const r = await runCli(["--db", join(dir, "bad.db"), "train", file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(/training\.batchSize.*Received: -3/);
  });

  it("names an unknown preset and a YAML syntax error", async () => {
    const file = join(dir, "preset.yaml");
    writeFileSync(file, "model: { preset: transformer, hiddenSize: 32 }\n");
    const r = await runCli(["--db", join(dir, "p.db"), "train", file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Received: "transformer"/);
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "model: [unclosed\n");
    const r2 = await runCli(["--db", join(dir, "p.db"), "train", broken], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/broken\.yaml is not valid YAML.*line/s);
  });

  it("refuses an unusable backend (exit 4) and an oversized model (exit 2) without recording a run", async () => {
    const db = join(dir, "refused-backend.db");
    const ok = join(dir, "ok.yaml");
    writeFileSync(ok, "model: { preset: dense, hiddenSize: 4 }\ndata: { limit: 100 }\ntraining: { epochs: 1 }\n");
    const r = await runCli(["--db", db, "train", ok, "--backend", "bogus"], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/\[bogus\] not registered/);
    const big = join(dir, "big.yaml");
    writeFileSync(big, "model: { preset: dense, hiddenSize: 100000 }\n");
    const r2 = await runCli(["--db", db, "train", big], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/model\.hiddenSize.*Received: 100000/);
    const tracker = await createTracker({ url: `file:${db}` });
    try {
      expect((await tracker.listRuns()).total).toBe(0);
    } finally {
      await tracker.close();
    }
  });

  it("does not create a database for a read-only command, and rejects unknown --db schemes", async () => {
    const missing = join(dir, "typo", "nothing.db");
    const r = await runCli(["--db", missing, "runs"], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`No tracking database at ${missing}`);
    const r2 = await runCli(["--db", "mysql://u@h/db", "runs"], { cwd: dir });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--db must be .*Received: "mysql:\/\/\*\*\*@h\/db"/);
  });

  it("rejects bad flags with exit 2", async () => {
    const r = await runCli(["runs", "--limit", "zero"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit must be a positive integer. Received: "zero"/);
  });
});
