/** The batched metric writer in front of every store. */
import { isAelabError } from "@aelab/core";
import { expect, it } from "vitest";
import { MetricWriter } from "../metric-writer.ts";
import { describeStores } from "./test-stores.ts";

describeStores("metric writer", (store) => {
  const start = (name: string) => store().tracker.startRun({ experimentName: "writer", name, architecture: "dense", spec: {} });

  it("writes every point logged one at a time, in few transactions, with the wall time of the log call", async () => {
    const { tracker } = store();
    const [a, b] = [await start("a"), await start("b")];
    let batches = 0;
    const counting = new Proxy(tracker, {
      get: (target, prop, receiver) =>
        prop === "logBatch" ? (...args: Parameters<typeof tracker.logBatch>) => (batches++, target.logBatch(...args)) : Reflect.get(target, prop, receiver),
    });
    const writer = new MetricWriter(counting, { flushIntervalMs: 10_000, maxPoints: 1000, maxBatch: 1000 });
    const before = new Date();
    for (let step = 0; step < 3000; step++) {
      writer.log(a.id, [{ key: "loss", value: 1 / (step + 1), step }]);
      if (step % 2 === 0) writer.log(b.id, [{ key: "val_loss", value: step === 10 ? Number.NaN : step, step: 2999 - step }]);
    }
    await writer.close();
    expect(writer.pending).toBe(0);
    // 4,500 points in 1,000-point transactions (3 for a, 2 for b), not 4,500 transactions.
    expect(batches).toBe(5);
    const pa = await tracker.getMetrics(a.id);
    expect(pa).toHaveLength(3000);
    expect(pa[2999]).toMatchObject({ step: 2999, value: 1 / 3000 });
    expect(pa[0].wallTime.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    const pb = await tracker.getMetrics(b.id);
    expect(pb).toHaveLength(1500);
    // Out-of-order steps land; NaN stays NaN.
    expect(pb.find((p) => p.step === 2989)?.value).toBeNaN();
    expect((await tracker.getRun(b.id))!.summary.val_loss).toMatchObject({ count: 1500, step: 2999, latest: 0, max: 2998 });
    expect(() => writer.log(a.id, [{ key: "loss", value: 1, step: 0 }])).toThrow(/open MetricWriter/);
  });

  it("flushes on its timer without being asked", async () => {
    const { tracker } = store();
    const run = await start("timer");
    const writer = new MetricWriter(tracker, { flushIntervalMs: 20 });
    writer.log(run.id, [{ key: "k", value: 0.5, step: 0 }]);
    for (let i = 0; i < 100 && (await tracker.getMetrics(run.id)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await tracker.getMetrics(run.id)).map((p) => p.value)).toEqual([0.5]);
    await writer.close();
  });

  it("checks points when they are logged, and keeps points whose write failed for the next flush", async () => {
    const { tracker } = store();
    const writer = new MetricWriter(tracker, { flushIntervalMs: 10_000 });
    expect(() => writer.log("r", [{ key: "", value: 1, step: 0 }])).toThrow(/metrics\[0\]\.key/);
    expect(() => writer.log("r", [{ key: "k", value: 1, step: -1 }])).toThrow(/metrics\[0\]\.step/);
    writer.log("no-such-run", [{ key: "k", value: 1, step: 0 }]);
    const failure = await writer.flush().catch((e: unknown) => e);
    expect(isAelabError(failure, "NOT_FOUND")).toBe(true);
    expect(writer.pending).toBe(1);
    expect(() => new MetricWriter(tracker, { flushIntervalMs: 0 })).toThrow(/flushIntervalMs/);
  });
});
