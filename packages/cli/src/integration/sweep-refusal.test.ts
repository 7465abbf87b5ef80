/** `aelab sweep` and `aelab worker` refuse bad input before touching a database, with exit code and message. */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-sweep-refusal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, "never.db");

describe("sweep and worker refusals", () => {
  it("a random sweep without a trial cap: exit 2, the file, key and value named, no database created", async () => {
    writeFileSync(
      join(dir, "random.yaml"),
      [
        "name: r",
        "method: random",
        "data: { limit: 100 }",
        "parameters:",
        "  architecture: { values: [dense] }",
        "  hiddenSize: { type: int, min: 2, max: 8 }",
      ].join("\n"),
    );
    const r = await runCli(["--db", db, "sweep", "random.yaml"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: random\.yaml: trials: method random needs a trial cap .*Received: trials=undefined$/m);
    expect(existsSync(db)).toBe(false);
  });

  it("a bad pruner setting, --resume without a database, a worker without PostgreSQL", async () => {
    writeFileSync(
      join(dir, "bad.yaml"),
      [
        "name: b",
        "pruner: { type: asha, reductionFactor: 1 }",
        "training: { epochs: 3 }",
        "parameters:",
        "  architecture: { values: [dense] }",
        "  hiddenSize: { values: [2] }",
      ].join("\n"),
    );
    const pruner = await runCli(["--db", db, "sweep", "bad.yaml"], { cwd: dir });
    expect(pruner.code).toBe(2);
    expect(pruner.stderr).toMatch(/Invalid bad\.yaml at pruner\.reductionFactor: .*Received: 1/);
    const resume = await runCli(["--db", db, "sweep", "--resume", "no-such-sweep"], { cwd: dir });
    expect(resume.code).toBe(3);
    expect(existsSync(db)).toBe(false);
    // An unknown sweep in an existing database: the message names the database searched.
    const existing = join(dir, "existing.db");
    expect((await runCli(["--db", existing, "db", "migrate"], { cwd: dir })).code).toBe(0);
    const unknown = await runCli(["--db", existing, "sweep", "--resume", "no-such-sweep"], { cwd: dir });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`Expected a recorded sweep to resume in file:${existing} (pass the sweep's --db). Received: --resume no-such-sweep`);
    const worker = await runCli(["--db", db, "worker"], { cwd: dir });
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/aelab worker pulls trials from pg-boss, so --db must be a postgresql:\/\/ URL/);
  });
});
