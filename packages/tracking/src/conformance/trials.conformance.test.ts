/** Sweep trials, trial runs and the one-finished-run-per-trial rule, on every store. */
import { isAelabError, type AelabError } from "@aelab/core";
import { expect, it } from "vitest";
import { createTracker } from "../create-tracker.ts";
import type { Tracker } from "../tracker.ts";
import { describeStores, sleep } from "./test-stores.ts";

const startTrialRun = (tracker: Tracker, sweepId: string, trialIndex: number, experimentName = "trials") =>
  tracker.startRun({ experimentName, name: `trial-${trialIndex}`, sweepId, trialIndex, architecture: "dense", hiddenSize: 2, spec: {} });

describeStores("trials", (store, kind) => {
  it("records the method and sampler state with trials, in one write", async () => {
    const { tracker } = store();
    const sweep = await tracker.createSweep({
      experimentName: "trials",
      name: "tpe",
      config: { method: "tpe" },
      method: "tpe",
      samplerState: { seed: 7, drawn: 0 },
    });
    expect(sweep).toMatchObject({ method: "tpe", samplerState: { seed: 7, drawn: 0 }, endedAt: null });
    const params = { architecture: "dense", hiddenSize: 8, "training.optimizer.learningRate": 0.1 + 0.2, "training.batchSize": 32, flag: true };
    const added = await tracker.addTrials(sweep.id, [{ index: 1, params }], { seed: 7, drawn: 1, note: "after one" });
    expect(added).toEqual([expect.objectContaining({ sweepId: sweep.id, index: 1, params, status: "pending", attempts: 0, runId: null })]);
    await tracker.addTrials(sweep.id, [
      { index: 2, params: { hiddenSize: 2 } },
      { index: 3, params: { hiddenSize: 4 } },
    ]);
    const again = (await tracker.getSweep(sweep.id))!;
    // addTrials without a state keeps the last one.
    expect(again.samplerState).toEqual({ seed: 7, drawn: 1, note: "after one" });
    const trials = await tracker.listTrials(sweep.id);
    expect(trials.map((t) => [t.index, t.status])).toEqual([
      [1, "pending"],
      [2, "pending"],
      [3, "pending"],
    ]);
    // Exact doubles in params.
    expect(trials[0].params["training.optimizer.learningRate"]).toBe(0.1 + 0.2);
    expect(await tracker.getSweep("no-such-sweep")).toBeNull();
    // A default sweep is a grid with no state.
    expect(await tracker.createSweep({ experimentName: "trials", name: "g", config: {} })).toMatchObject({ method: "grid", samplerState: null });
  });

  it("refuses an existing trial index, changing nothing (not even the sampler state)", async () => {
    const { tracker } = store();
    const sweep = await tracker.createSweep({ experimentName: "trials", name: "dup", config: {}, samplerState: { drawn: 0 } });
    await tracker.addTrials(sweep.id, [{ index: 1, params: { a: 1 } }], { drawn: 1 });
    const error = (await tracker
      .addTrials(
        sweep.id,
        [
          { index: 2, params: { a: 2 } },
          { index: 1, params: { a: 3 } },
        ],
        { drawn: 3 },
      )
      .catch((e: unknown) => e)) as AelabError;
    expect(isAelabError(error, "TRACKING")).toBe(true);
    expect(error.details).toMatchObject({ conflict: "trial-exists" });
    expect((await tracker.listTrials(sweep.id)).map((t) => t.params)).toEqual([{ a: 1 }]);
    expect((await tracker.getSweep(sweep.id))!.samplerState).toEqual({ drawn: 1 });
    expect(isAelabError(await tracker.addTrials("nope", [{ index: 1, params: {} }]).catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
    expect(isAelabError(await tracker.addTrials(sweep.id, [{ index: 0, params: {} }]).catch((e: unknown) => e), "INVALID_INPUT")).toBe(true);
    expect(isAelabError(await tracker.listTrials("nope").catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
  });

  it("claims a trial once; crashed trials are retried up to the cap, interrupted ones always", async () => {
    const { tracker } = store();
    const sweep = await tracker.createSweep({ experimentName: "trials", name: "claims", config: {} });
    await tracker.addTrials(sweep.id, [{ index: 1, params: {} }]);
    const first = await tracker.claimTrial(sweep.id, 1, { maxAttempts: 2 });
    expect(first).toMatchObject({ status: "running", attempts: 1 });
    expect(await tracker.claimTrial(sweep.id, 1, { maxAttempts: 2 })).toBeNull();
    await tracker.updateTrial(sweep.id, 1, { status: "crashed" });
    expect(await tracker.claimTrial(sweep.id, 1, { maxAttempts: 2 })).toMatchObject({ status: "running", attempts: 2 });
    await tracker.updateTrial(sweep.id, 1, { status: "crashed" });
    expect(await tracker.claimTrial(sweep.id, 1, { maxAttempts: 2 })).toBeNull();
    expect((await tracker.listTrials(sweep.id))[0]).toMatchObject({ status: "crashed", attempts: 2 });
    await tracker.updateTrial(sweep.id, 1, { status: "interrupted" });
    expect(await tracker.claimTrial(sweep.id, 1, { maxAttempts: 2 })).toMatchObject({ status: "running", attempts: 3 });
    await tracker.updateTrial(sweep.id, 1, { status: "finished" });
    expect(await tracker.claimTrial(sweep.id, 1, { maxAttempts: 10 })).toBeNull();
    expect(isAelabError(await tracker.claimTrial(sweep.id, 9, { maxAttempts: 1 }).catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
    expect(isAelabError(await tracker.updateTrial(sweep.id, 1, { status: "exploded" as "failed" }).catch((e: unknown) => e), "INVALID_INPUT")).toBe(true);
  });

  // On SQLite, two connections in one process deadlock by design (better-sqlite3 waits for the lock
  // synchronously, so the holder can never commit): one writer per process. sqlite-file.test.ts races
  // separate processes instead.
  it.skipIf(kind.name === "sqlite")("two connections claiming the same trial at once: exactly one wins", async () => {
    const { tracker, url } = store();
    const other = await createTracker({ url });
    try {
      const sweep = await tracker.createSweep({ experimentName: "trials", name: "race", config: {} });
      await tracker.addTrials(
        sweep.id,
        Array.from({ length: 20 }, (_, i) => ({ index: i + 1, params: { i } })),
      );
      for (let index = 1; index <= 20; index++) {
        const results = await Promise.all([tracker.claimTrial(sweep.id, index, { maxAttempts: 1 }), other.claimTrial(sweep.id, index, { maxAttempts: 1 })]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
      }
      expect((await tracker.listTrials(sweep.id)).every((t) => t.status === "running" && t.attempts === 1)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it("a trial has at most one finished run: the second is refused and left as it was", async () => {
    const { tracker } = store();
    const sweep = await tracker.createSweep({ experimentName: "trials", name: "unique", config: {} });
    await tracker.addTrials(sweep.id, [
      { index: 1, params: {} },
      { index: 2, params: {} },
    ]);
    const a = await startTrialRun(tracker, sweep.id, 1);
    const b = await startTrialRun(tracker, sweep.id, 1);
    const c = await startTrialRun(tracker, sweep.id, 2);
    expect(a.trialIndex).toBe(1);
    await tracker.endRun(a.id, { status: "finished" });
    const error = (await tracker.endRun(b.id, { status: "finished" }).catch((e: unknown) => e)) as AelabError;
    expect(isAelabError(error, "TRACKING")).toBe(true);
    expect(error.details).toMatchObject({ conflict: "trial-finished", finishedRunId: a.id });
    expect(error.message).toContain(`run ${a.id} finished it`);
    expect((await tracker.getRun(b.id))!.status).toBe("running");
    // Other outcomes of the same trial, and other trials, are fine.
    await tracker.endRun(b.id, { status: "failed", error: "duplicate attempt" });
    await tracker.endRun(c.id, { status: "finished" });
    const { runs } = await tracker.listRuns({ sweepId: sweep.id, status: ["finished"] });
    expect(runs.map((r) => [r.trialIndex, r.id]).sort()).toEqual(
      [
        [1, a.id],
        [2, c.id],
      ].sort(),
    );
    // Runs outside sweeps, and sweep runs without a trial, never conflict.
    for (let i = 0; i < 2; i++) {
      const loose = await tracker.startRun({ experimentName: "trials", name: "loose", architecture: "dense", spec: {} });
      await tracker.endRun(loose.id, { status: "finished" });
      const untracked = await tracker.startRun({ experimentName: "trials", name: "no-trial", sweepId: sweep.id, architecture: "dense", spec: {} });
      await tracker.endRun(untracked.id, { status: "finished" });
    }
    expect(
      isAelabError(
        await tracker.startRun({ experimentName: "trials", name: "x", trialIndex: 1, architecture: "d", spec: {} }).catch((e: unknown) => e),
        "INVALID_INPUT",
      ),
    ).toBe(true);
  });

  it("reaping a trial's silent run marks the trial crashed", async () => {
    const own = await kind.open();
    const { tracker } = own;
    try {
      const sweep = await tracker.createSweep({ experimentName: "trials", name: "reap", config: {} });
      await tracker.addTrials(sweep.id, [
        { index: 1, params: {} },
        { index: 2, params: {} },
      ]);
      await tracker.claimTrial(sweep.id, 1, { maxAttempts: 1 });
      await tracker.claimTrial(sweep.id, 2, { maxAttempts: 1 });
      const silent = await startTrialRun(tracker, sweep.id, 1);
      const alive = await startTrialRun(tracker, sweep.id, 2);
      await tracker.updateTrial(sweep.id, 1, { status: "running", runId: silent.id });
      await tracker.updateTrial(sweep.id, 2, { status: "running", runId: alive.id });
      await sleep(600);
      await tracker.heartbeat(alive.id);
      expect(await tracker.reapStaleRuns(300)).toBe(1);
      expect((await tracker.listTrials(sweep.id)).map((t) => [t.index, t.status, t.runId])).toEqual([
        [1, "crashed", silent.id],
        [2, "running", alive.id],
      ]);
      // A run ended crashed by someone else (a sweep that saw its worker die) takes its trial along at the next reap.
      await tracker.endRun(alive.id, { status: "crashed", error: "worker process died" });
      await tracker.reapStaleRuns(60_000);
      expect((await tracker.listTrials(sweep.id))[1].status).toBe("crashed");
    } finally {
      await tracker.close();
      await own.cleanup();
    }
  });

  it("returns one metric of every run in a sweep, for pruners", async () => {
    const { tracker } = store();
    const sweep = await tracker.createSweep({ experimentName: "trials", name: "metric", config: {} });
    await tracker.addTrials(sweep.id, [
      { index: 1, params: {} },
      { index: 2, params: {} },
    ]);
    const a = await startTrialRun(tracker, sweep.id, 1);
    const b = await startTrialRun(tracker, sweep.id, 2);
    await tracker.logMetrics(a.id, [
      { key: "val_loss", value: 0.5, step: 2, epoch: 2 },
      { key: "val_loss", value: 0.7, step: 1, epoch: 1 },
      { key: "train_loss", value: 9, step: 1 },
    ]);
    await tracker.logMetrics(b.id, [{ key: "val_loss", value: Number.NaN, step: 1, epoch: 1 }]);
    await tracker.endRun(a.id, { status: "pruned" });
    const points = await tracker.getSweepMetric(sweep.id, "val_loss");
    const byRun = (id: string) => points.filter((p) => p.runId === id).map(({ step, value, status, trialIndex }) => ({ step, value, status, trialIndex }));
    expect(byRun(a.id)).toEqual([
      { step: 1, value: 0.7, status: "pruned", trialIndex: 1 },
      { step: 2, value: 0.5, status: "pruned", trialIndex: 1 },
    ]);
    expect(byRun(b.id)).toEqual([{ step: 1, value: Number.NaN, status: "running", trialIndex: 2 }]);
    expect(points).toHaveLength(3);
    expect(await tracker.getSweepMetric(sweep.id, "nothing")).toEqual([]);
    expect(isAelabError(await tracker.getSweepMetric("nope", "val_loss").catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
  });
});
