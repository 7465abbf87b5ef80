/**
 * Crashes and resume on a real SQLite file, with the real binary: a trainer
 * killed with SIGKILL mid-run ends marked crashed once its heartbeat is stale;
 * a grid sweep killed during its third trial and resumed with --resume ends
 * with exactly one finished run per grid cell, the killed run crashed, and the
 * first two trials not run again; `--workers 2` runs a sweep in two worker
 * processes with one thread each.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker, type RunRecord } from "@aelab/tracking";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.ts";
import { startCli } from "./run-cli-live.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Heartbeats every 250 ms, crashed after 4 s of silence (the defaults are 30 s and 5 min).
const env = { AELAB_HEARTBEAT_MS: "250", AELAB_STALE_RUN_MS: "4000" };
const DATA = "data: { source: mnist, limit: 400, validationFraction: 0.25, seed: 5 }";
const EPOCHS = 8;

async function runsOf(db: string, sweepId?: string): Promise<RunRecord[]> {
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    return (await tracker.listRuns({ ...(sweepId ? { sweepId } : {}), limit: 1000, orderBy: "startedAt", direction: "asc" })).runs;
  } finally {
    await tracker.close();
  }
}

describe("crashes and resume (SQLite)", () => {
  it("a trainer killed with SIGKILL mid-run ends marked crashed", async () => {
    const db = join(dir, "train.db");
    writeFileSync(
      join(dir, "run.yaml"),
      ["name: doomed", "model: { preset: dense, hiddenSize: 4 }", `training: { epochs: 50, batchSize: 16, backend: onnxruntime }`, DATA].join("\n"),
    );
    const cli = startCli(["--db", db, "--artifacts", join(dir, "artifacts"), "train", "run.yaml"], { cwd: dir, env });
    await cli.waitFor(/doomed epoch 1\/50/);
    cli.child.kill("SIGKILL");
    expect((await cli.exited).code).toBeNull();
    const [killed] = await runsOf(db);
    expect(killed.status).toBe("running");
    // Once the heartbeat is stale, the next command that opens the database reaps it.
    let listed: { id: string; status: string; error: string | null }[] = [];
    for (let i = 0; i < 20 && listed[0]?.status !== "crashed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const r = await runCli(["--db", db, "runs", "--json"], { cwd: dir, env });
      expect(r.code).toBe(0);
      listed = (JSON.parse(r.stdout) as { runs: typeof listed }).runs;
    }
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: killed.id, status: "crashed" });
    expect(listed[0].error).toMatch(/heartbeat/);
  }, 60_000);

  it("a grid sweep killed in its third trial and resumed has exactly one finished run per cell", async () => {
    const db = join(dir, "sweep.db");
    writeFileSync(
      join(dir, "grid.yaml"),
      [
        "name: resume-grid",
        DATA,
        `training: { epochs: ${EPOCHS}, batchSize: 16, backend: onnxruntime }`,
        "parameters:",
        "  architecture: { values: [dense] }",
        "  hiddenSize: { values: [2, 4] }",
        "  learningRate: { values: [0.001, 0.01] }",
      ].join("\n"),
    );
    const args = ["--db", db, "--artifacts", join(dir, "artifacts")];
    const first = startCli([...args, "sweep", "grid.yaml", "--no-export"], { cwd: dir, env });
    const [, sweepId] = await first.waitFor(/^sweep resume-grid \(([0-9a-f-]+)\): 4 trials/);
    await first.waitFor(/^\[3\/4\] .* \(run ([0-9a-f-]+)\)/);
    // Wait for trial 3's first epoch: the kill lands mid-run, not between trials.
    await first.waitFor(new RegExp(`^\\s+dense-h4 learningRate=0\\.001 epoch 1/${EPOCHS}`));
    first.child.kill("SIGKILL");
    await first.exited;
    const before = await runsOf(db, sweepId);
    expect(before.map((r) => [r.trialIndex, r.status])).toEqual([
      [1, "finished"],
      [2, "finished"],
      [3, "running"],
    ]);

    const resumed = await runCli([...args, "sweep", "--resume", sweepId, "--no-export"], { cwd: dir, env });
    expect(resumed.stderr).not.toMatch(/FAILED/);
    expect(resumed.code).toBe(0);
    const after = await runsOf(db, sweepId);
    const finished = after.filter((r) => r.status === "finished").map((r) => r.trialIndex);
    expect(finished.sort()).toEqual([1, 2, 3, 4]);
    // Trials 1 and 2 were not run again; trial 3's killed run is crashed and its retry finished.
    expect(after.filter((r) => r.trialIndex === 3).map((r) => r.status)).toEqual(["crashed", "finished"]);
    expect(after).toHaveLength(5);
    const cells = new Set(after.filter((r) => r.status === "finished").map((r) => `${r.hiddenSize}/${r.params.learningRate}`));
    expect(cells.size).toBe(4);
    expect(resumed.stdout).toMatch(/finished\s+pruned\s+failed\s+crashed\s+skipped\n[─ ]+\n\s+4\s+0\s+0\s+0\s+0/);
  }, 120_000);

  it("--workers 2 runs trials in two worker processes with one thread each; a worker killed mid-trial has its trial retried", async () => {
    const db = join(dir, "workers.db");
    const cli = startCli(["--db", db, "--artifacts", join(dir, "artifacts"), "sweep", "grid.yaml", "--workers", "2", "--no-export"], { cwd: dir, env });
    const [, pid] = await cli.waitFor(/^\[w1\] worker process (\d+) started, 1 thread$/);
    await cli.waitFor(/^\[w2\] worker process \d+ started, 1 thread$/);
    // Kill w1 in the middle of its first trial (after that trial's first epoch).
    const [, name] = await cli.waitFor(/^\[w1\] \[\d\/4\] (.*) on onnxruntime/);
    await cli.waitFor(new RegExp(`^\\[w1\\]\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} epoch 1/${EPOCHS}`));
    process.kill(Number(pid), "SIGKILL");
    const result = await cli.exited;
    expect(result.stderr).toMatch(new RegExp(`\\[w1\\] worker process ${pid} died \\(SIGKILL\\)`));
    expect(result.stderr).not.toMatch(/FAILED/);
    expect(result.code).toBe(0);
    const runs = await runsOf(db);
    const finished = runs.filter((r) => r.status === "finished");
    expect(finished.map((r) => r.trialIndex).sort()).toEqual([1, 2, 3, 4]);
    expect(runs.filter((r) => r.status === "crashed").map((r) => r.name)).toEqual([name]);
    expect(runs).toHaveLength(5);
    expect(runs.every((r) => r.tags.backendThreads === "1")).toBe(true);
    expect(result.stderr).toMatch(/^\[w2\] \[\d\/4\]/m);
  }, 120_000);
});
