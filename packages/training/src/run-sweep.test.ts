/**
 * The sweep coordinator on a real SQLite tracker with a scripted backend:
 * grids run every cell once, interrupted and crashed trials are run again on
 * resume (one finished run per trial), samplers continue where they stopped,
 * pruned runs are recorded with their epoch, and retries stop at the cap.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTracker, type Tracker } from "@aelab/tracking";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Reporter } from "./reporter.ts";
import { runSweep, type RunSweepOptions } from "./run-sweep.ts";
import { parseSweepConfig } from "./sweep-config.ts";
import { fakeRegistry } from "./sweep/testing/fake-backend.ts";

let dir: string;
let tracker: Tracker;
// Every test uses the same split: the PCA baselines are computed once for the file.
const baselinesDir = mkdtempSync(join(tmpdir(), "aelab-run-sweep-baselines-"));
afterAll(() => rmSync(baselinesDir, { recursive: true, force: true }));
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "aelab-run-sweep-"));
  tracker = await createTracker({ url: `file:${join(dir, "t.db")}` });
});
afterEach(async () => {
  await tracker.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (extra: Record<string, unknown>) => ({
  name: "unit",
  data: { source: "mnist", limit: 60, validationFraction: 0.2, seed: 3 },
  training: { epochs: 2, batchSize: 16, backend: "fake", optimizer: { name: "adam", learningRate: 0.003 } },
  parameters: { architecture: { values: ["dense"] }, hiddenSize: { values: [2, 4, 8] }, learningRate: { values: [0.001, 0.003] } },
  ...extra,
});

function options(sweepFile: Record<string, unknown>, more: Partial<RunSweepOptions> = {}): RunSweepOptions {
  return {
    sweep: parseSweepConfig(sweepFile, "unit.yaml"),
    registry: fakeRegistry(),
    tracker,
    artifactsDir: join(dir, "artifacts"),
    baselinesDir: () => baselinesDir,
    ...more,
  };
}

/** Aborts the sweep when its `n`-th run starts (that run is then interrupted). */
function abortAtRun(n: number): { signal: AbortSignal; reporter: Reporter } {
  const controller = new AbortController();
  let started = 0;
  return { signal: controller.signal, reporter: { runStart: () => void (++started === n && controller.abort("test stop")) } };
}

async function finishedPerTrial(sweepId: string): Promise<Map<number, number>> {
  const { runs } = await tracker.listRuns({ sweepId, status: ["finished"], limit: 1000 });
  const counts = new Map<number, number>();
  for (const r of runs) counts.set(r.trialIndex!, (counts.get(r.trialIndex!) ?? 0) + 1);
  return counts;
}

describe("runSweep", () => {
  it("runs every grid cell once, links runs to trials, and picks the best by the metric", async () => {
    const result = await runSweep(options(file({})));
    expect(result.counts).toMatchObject({ finished: 6, pruned: 0, failed: 0, crashed: 0, skipped: 0 });
    expect([...(await finishedPerTrial(result.sweepId)).entries()].sort()).toEqual([1, 2, 3, 4, 5, 6].map((i) => [i, 1]));
    expect(result.trials.every((t) => t.status === "finished" && t.attempts === 1 && t.runId !== null)).toBe(true);
    expect(result.best?.name).toBe("dense-h8 learningRate=0.003");
    expect((await tracker.getSweep(result.sweepId))!.status).toBe("finished");
  });

  it("a grid interrupted after 2 trials and resumed ends with exactly one finished run per cell", async () => {
    const stop = abortAtRun(3);
    const first = await runSweep(options(file({}), stop));
    expect(first.counts).toMatchObject({ finished: 2, skipped: 4 });
    expect(first.trials[2]).toMatchObject({ status: "interrupted", attempts: 1 });
    const record = (await tracker.getSweep(first.sweepId))!;
    const resumed = await runSweep(options(record.config as Record<string, unknown>, { resume: record }));
    expect(resumed.sweepId).toBe(first.sweepId);
    expect(resumed.counts).toMatchObject({ finished: 6, skipped: 0 });
    expect([...(await finishedPerTrial(first.sweepId)).values()]).toEqual([1, 1, 1, 1, 1, 1]);
    // Trials 1 and 2 were not run again; trial 3 has its interrupted run and a finished one.
    expect(resumed.outcomes.filter((o) => o.trialIndex! <= 2)).toHaveLength(2);
    expect(resumed.outcomes.filter((o) => o.trialIndex === 3).map((o) => o.status)).toEqual(["failed", "finished"]);
  });

  it("resume retries a crashed trial (its run's heartbeat went stale) up to maxAttempts", async () => {
    const first = await runSweep(options(file({ maxAttempts: 2 }), abortAtRun(1)));
    // Make trial 1's attempt look like a process that died mid-run, twice over for trial 2.
    for (const index of [1, 2]) {
      const claimed = await tracker.claimTrial(first.sweepId, index, { maxAttempts: 2 });
      expect(claimed).not.toBeNull();
      const run = await tracker.startRun({ experimentName: "unit", name: "dying", sweepId: first.sweepId, trialIndex: index, architecture: "dense", spec: {} });
      await tracker.updateTrial(first.sweepId, index, { status: "running", runId: run.id });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const record = (await tracker.getSweep(first.sweepId))!;
    const resumed = await runSweep(options(record.config as Record<string, unknown>, { resume: record, staleRunMs: 200 }));
    const byIndex = new Map(resumed.trials.map((t) => [t.index, t]));
    // Trial 1: interrupted, then crashed (2 attempts = the cap): not retried. Trial 2: crashed once, retried and finished.
    expect(byIndex.get(1)).toMatchObject({ status: "crashed", attempts: 2 });
    expect(byIndex.get(2)).toMatchObject({ status: "finished", attempts: 2 });
    expect(resumed.counts).toMatchObject({ finished: 5, crashed: 1 });
    const dying = resumed.outcomes.filter((o) => o.name === "dying");
    expect(dying.map((o) => o.status)).toEqual(["crashed", "crashed"]);
  });

  it("a TPE sweep resumed mid-way draws the same trials as an uninterrupted one (sampler state restored)", async () => {
    const tpe = {
      method: "tpe",
      trials: 4,
      seed: 11,
      tpe: { startupTrials: 2 },
      parameters: {
        architecture: { values: ["dense"] },
        hiddenSize: { type: "int", min: 2, max: 16, distribution: "log" },
        learningRate: { type: "float", min: 1e-4, max: 1e-1, distribution: "log" },
      },
    };
    const whole = await runSweep(options(file(tpe)));
    // Stopped when trial 4 (drawn by TPE from trials 1-3) starts.
    const first = await runSweep(options(file(tpe), abortAtRun(4)));
    const record = (await tracker.getSweep(first.sweepId))!;
    expect(record.samplerState).toMatchObject({ method: "tpe", seed: 11, drawn: 4, tpe: { startupTrials: 2 } });
    const resumed = await runSweep(options(record.config as Record<string, unknown>, { resume: record }));
    expect(resumed.trials.map((t) => t.params)).toEqual(whole.trials.map((t) => t.params));
    expect(resumed.counts.finished).toBe(4);
    expect(new Set(whole.trials.map((t) => JSON.stringify(t.params))).size).toBe(4);
  });

  it("prunes a trial worse than the median at an epoch, and records it pruned with the epoch", async () => {
    const result = await runSweep(
      options(
        file({
          training: { epochs: 4, batchSize: 16, backend: "fake", optimizer: { name: "adam", learningRate: 0.003 } },
          pruner: { type: "median", startupTrials: 1 },
          parameters: { architecture: { values: ["dense"] }, hiddenSize: { values: [8, 2] } },
        }),
      ),
    );
    expect(result.trials.map((t) => t.status)).toEqual(["finished", "pruned"]);
    const pruned = (await tracker.getRun(result.trials[1].runId!))!;
    expect(pruned.status).toBe("pruned");
    expect(pruned.tags.prunedEpoch).toBe("1");
    expect(pruned.error).toMatch(/^pruned at epoch 1: best validation loss .* median/);
    expect(result.counts).toMatchObject({ finished: 1, pruned: 1 });
    expect(result.best?.runId).toBe(result.trials[0].runId);
  });
});
