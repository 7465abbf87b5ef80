import { isAelabError } from "@aelab/core";
import { expect, it } from "vitest";
import { markStaleRunsCrashed } from "../create-tracker.ts";
import { describeStores, sleep, specFor } from "./test-stores.ts";

describeStores("runs", (store, kind) => {
  it("start → params → metrics per epoch → end, read back in full", async () => {
    const { tracker } = store();
    const split = {
      dataset: "mnist",
      seed: 7,
      sizes: { train: 54000, val: 6000 },
      validationIndices: [3, 1, 4, 1, 5],
    };
    const before = Date.now();
    const run = await tracker.startRun({
      experimentName: "lifecycle",
      name: "dense-32",
      architecture: "dense",
      hiddenSize: 32,
      spec: specFor("dense", 32),
      seed: 4_294_967_295,
      split,
      params: { lr: 0.001, batchSize: 128 },
      tags: { preset: "quick" },
      host: "test-host",
    });
    expect(run).toMatchObject({
      name: "dense-32",
      experimentName: "lifecycle",
      status: "running",
      architecture: "dense",
      hiddenSize: 32,
      seed: 4_294_967_295,
      backend: null,
      host: "test-host",
      endedAt: null,
      error: null,
      sweepId: null,
      params: { lr: 0.001, batchSize: 128 },
      tags: { preset: "quick" },
      summary: {},
    });
    expect(run.spec).toEqual(specFor("dense", 32));
    expect(run.split).toEqual(split);
    expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(run.heartbeatAt).not.toBeNull();

    await tracker.setBackend(run.id, "tfjs-wasm");
    await tracker.logParams(run.id, { epochs: 3 });
    for (let epoch = 0; epoch < 3; epoch++) {
      await tracker.logMetrics(run.id, [
        { key: "train_mse", value: 0.1 / (epoch + 1), step: epoch, epoch },
        { key: "val_mse", value: 0.12 / (epoch + 1), step: epoch, epoch },
      ]);
      await tracker.heartbeat(run.id);
    }
    await tracker.endRun(run.id, { status: "finished" });

    const done = (await tracker.getRun(run.id))!;
    expect(done).toMatchObject({
      status: "finished",
      backend: "tfjs-wasm",
      error: null,
      params: { lr: 0.001, batchSize: 128, epochs: 3 },
    });
    expect(done.endedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt.getTime());
    expect(done.summary.val_mse).toEqual({
      latest: 0.04,
      min: 0.04,
      max: 0.12,
      step: 2,
      count: 3,
    });
    expect(await tracker.getMetrics(run.id)).toHaveLength(6);
    expect(await tracker.getRun("no-such-run")).toBeNull();
  });

  it("failed runs keep their error text; names may repeat", async () => {
    const { tracker } = store();
    const message = "Training diverged: val_mse became NaN at epoch 4.\nReceived: lr=10 — ünïcødé ✓";
    const a = await tracker.startRun({
      experimentName: "failures",
      name: "same",
      architecture: "conv",
      spec: {},
    });
    const b = await tracker.startRun({
      experimentName: "failures",
      name: "same",
      architecture: "conv",
      spec: {},
    });
    expect(a.id).not.toBe(b.id);
    await tracker.endRun(a.id, { status: "failed", error: message });
    await tracker.endRun(b.id, { status: "pruned" });
    expect(await tracker.getRun(a.id)).toMatchObject({
      status: "failed",
      error: message,
    });
    expect(await tracker.getRun(b.id)).toMatchObject({
      status: "pruned",
      error: null,
    });
    const { runs, total } = await tracker.listRuns({
      experimentName: "failures",
    });
    expect(total).toBe(2);
    expect(runs.map((r) => r.name)).toEqual(["same", "same"]);
  });

  it("queued runs start on markRunning", async () => {
    const { tracker } = store();
    const queued = await tracker.startRun({
      experimentName: "queue",
      name: "q",
      architecture: "dense",
      spec: {},
      status: "queued",
    });
    expect(queued).toMatchObject({ status: "queued", heartbeatAt: null });
    await tracker.markRunning(queued.id);
    const running = (await tracker.getRun(queued.id))!;
    expect(running.status).toBe("running");
    expect(running.heartbeatAt).not.toBeNull();
  });

  it("reapStaleRuns marks silent running runs crashed, and only those", async () => {
    // Its own database: reaping is global, and other tests leave runs running.
    const own = await kind.open();
    const { tracker } = own;
    try {
      const exp = "reaping";
      const silent = await tracker.startRun({
        experimentName: exp,
        name: "silent",
        architecture: "dense",
        spec: {},
      });
      const alive = await tracker.startRun({
        experimentName: exp,
        name: "alive",
        architecture: "dense",
        spec: {},
      });
      const done = await tracker.startRun({
        experimentName: exp,
        name: "done",
        architecture: "dense",
        spec: {},
      });
      const queued = await tracker.startRun({
        experimentName: exp,
        name: "queued",
        architecture: "dense",
        spec: {},
        status: "queued",
      });
      await tracker.endRun(done.id, { status: "finished" });
      await sleep(700);
      await tracker.heartbeat(alive.id);
      expect(await tracker.reapStaleRuns(400)).toBe(1);
      const crashed = (await tracker.getRun(silent.id))!;
      expect(crashed.status).toBe("crashed");
      expect(crashed.error).toMatch(/heartbeat/);
      expect(crashed.endedAt).not.toBeNull();
      expect((await tracker.getRun(alive.id))!.status).toBe("running");
      expect((await tracker.getRun(done.id))!.status).toBe("finished");
      expect((await tracker.getRun(queued.id))!.status).toBe("queued");
      expect(await markStaleRunsCrashed(tracker, { staleAfterMs: 400 })).toBe(0);
      expect(isAelabError(await tracker.reapStaleRuns(0).catch((e: unknown) => e), "INVALID_INPUT")).toBe(true);
    } finally {
      await tracker.close();
      await own.cleanup();
    }
  });

  it("markStaleRunsCrashed also takes a URL", async () => {
    const { tracker, url } = store();
    const run = await tracker.startRun({
      experimentName: "reap-url",
      name: "r",
      architecture: "dense",
      spec: {},
    });
    await sleep(300);
    expect(await markStaleRunsCrashed(url, { staleAfterMs: 150 })).toBeGreaterThanOrEqual(1);
    expect((await tracker.getRun(run.id))!.status).toBe("crashed");
  });

  it("experiments and sweeps", async () => {
    const { tracker } = store();
    const first = await tracker.getOrCreateExperiment("sweeps-exp");
    const again = await tracker.getOrCreateExperiment("sweeps-exp");
    expect(again).toEqual(first);
    const [x, y] = await Promise.all([tracker.getOrCreateExperiment("raced"), tracker.getOrCreateExperiment("raced")]);
    expect(x.id).toBe(y.id);
    const config = {
      grid: { hiddenSize: [2, 8, 32], architecture: ["dense", "conv"] },
      epochs: 3,
    };
    const sweep = await tracker.createSweep({
      experimentName: "sweeps-exp",
      name: "grid",
      config,
    });
    expect(sweep).toMatchObject({
      experimentId: first.id,
      name: "grid",
      status: "running",
      config,
    });
    const run = await tracker.startRun({
      experimentName: "sweeps-exp",
      name: "r",
      sweepId: sweep.id,
      architecture: "dense",
      spec: {},
    });
    expect(run.sweepId).toBe(sweep.id);
    await tracker.endSweep(sweep.id, "finished");
    expect((await tracker.listSweeps("sweeps-exp")).map((s) => [s.id, s.status])).toEqual([[sweep.id, "finished"]]);
    expect((await tracker.listSweeps()).some((s) => s.id === sweep.id)).toBe(true);
    expect((await tracker.listExperiments()).map((e) => e.name)).toEqual(expect.arrayContaining(["sweeps-exp", "raced"]));
    expect(isAelabError(await tracker.endSweep("nope", "failed").catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
    const dangling = await tracker
      .startRun({
        experimentName: "sweeps-exp",
        name: "r",
        sweepId: "nope",
        architecture: "dense",
        spec: {},
      })
      .catch((e: unknown) => e);
    expect(isAelabError(dangling, "NOT_FOUND")).toBe(true);
    const elsewhere = await tracker
      .startRun({
        experimentName: "another-exp",
        name: "r",
        sweepId: sweep.id,
        architecture: "dense",
        spec: {},
      })
      .catch((e: unknown) => e);
    expect(isAelabError(elsewhere, "INVALID_INPUT")).toBe(true);
  });

  it("rejects invalid runs and unknown ids with typed errors", async () => {
    const { tracker } = store();
    const cases: [() => Promise<unknown>, string][] = [
      [
        () =>
          tracker.startRun({
            experimentName: "e",
            name: "",
            architecture: "dense",
            spec: {},
          }),
        "INVALID_INPUT",
      ],
      [
        () =>
          tracker.startRun({
            experimentName: "e",
            name: "n",
            architecture: "dense",
            hiddenSize: 0,
            spec: {},
          }),
        "INVALID_INPUT",
      ],
      [
        () =>
          tracker.startRun({
            experimentName: "e",
            name: "n",
            architecture: "dense",
            spec: undefined,
          }),
        "INVALID_INPUT",
      ],
      [
        () =>
          tracker.startRun({
            experimentName: "e",
            name: "n",
            architecture: "dense",
            spec: { big: 1n },
          }),
        "INVALID_INPUT",
      ],
      [() => tracker.endRun("nope", { status: "finished" }), "NOT_FOUND"],
      [() => tracker.endRun("nope", { status: "running" as never }), "INVALID_INPUT"],
      [() => tracker.heartbeat("nope"), "NOT_FOUND"],
      [() => tracker.setBackend("nope", "tfjs-cpu"), "NOT_FOUND"],
    ];
    for (const [promise, code] of cases) {
      const error = await promise().catch((e: unknown) => e);
      expect(isAelabError(error, code as never), `${String(error)} should be ${code}`).toBe(true);
      expect((error as Error).message).toContain("Received: ");
    }
  });
});
