import { isAelabError } from "@aelab/core";
import { describe, expect, it } from "vitest";
import type { MetricInput } from "../tracker.ts";
import { describeStores, specFor } from "./test-stores.ts";

/** Values chosen to catch lossy float handling (Prisma rounds Float writes to ~16 digits). */
const EXACT = [
  0.1 + 0.2,
  1 / 3,
  2 / 3,
  5e-324,
  2.2250738585072014e-308,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  123456789.12345679,
  2 ** 53 + 2,
  Math.PI * 1e-200,
];

describeStores("metrics", (store) => {
  const start = (name: string) =>
    store().tracker.startRun({
      experimentName: "metrics",
      name,
      architecture: "dense",
      hiddenSize: 16,
      spec: specFor("dense", 16),
    });

  it("reads back every epoch's metrics with the values logged", async () => {
    const { tracker } = store();
    const run = await start("epochs");
    const t0 = Date.UTC(2026, 0, 1);
    const logged: MetricInput[] = [];
    for (let epoch = 0; epoch < 12; epoch++) {
      const batch: MetricInput[] = [
        {
          key: "train_mse",
          value: 0.5 / (epoch + 1) + 1e-17 * epoch,
          step: epoch,
          epoch,
          wallTime: new Date(t0 + epoch * 1000),
        },
        {
          key: "val_mse",
          value: 0.6 / (epoch + 1) + Math.sqrt(epoch) / 1e3,
          step: epoch,
          epoch,
          wallTime: new Date(t0 + epoch * 1000 + 1),
        },
      ];
      logged.push(...batch);
      await tracker.logMetrics(run.id, batch);
    }
    const points = await tracker.getMetrics(run.id);
    expect(points).toHaveLength(24);
    for (const expected of logged) {
      const got = points.find((p) => p.key === expected.key && p.step === expected.step);
      expect(got).toEqual({
        key: expected.key,
        step: expected.step,
        epoch: expected.epoch,
        value: expected.value,
        wallTime: expected.wallTime,
      });
    }
    expect(points.map((p) => p.key)).toEqual([...Array(12).fill("train_mse"), ...Array(12).fill("val_mse")]);
    expect((await tracker.getMetrics(run.id, ["val_mse"])).map((p) => p.step)).toEqual([...Array(12).keys()]);
  });

  it("round-trips doubles exactly", async () => {
    const { tracker } = store();
    const run = await start("exact");
    await tracker.logMetrics(
      run.id,
      EXACT.map((value, step) => ({ key: "x", value, step })),
    );
    const points = await tracker.getMetrics(run.id, ["x"]);
    expect(points.map((p) => p.value)).toEqual(EXACT);
    const summary = (await tracker.getRun(run.id))?.summary.x;
    expect(summary).toEqual({
      latest: EXACT.at(-1),
      min: -1.7976931348623157e308,
      max: 1.7976931348623157e308,
      step: EXACT.length - 1,
      count: EXACT.length,
    });
  });

  it("stores NaN, Infinity and -Infinity so they come back distinct", async () => {
    const { tracker } = store();
    const run = await start("non-finite");
    const values = [1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e308, 0.25];
    await tracker.logMetrics(
      run.id,
      values.map((value, step) => ({ key: "loss", value, step, epoch: step })),
    );
    await tracker.logMetrics(run.id, [
      { key: "all_nan", value: Number.NaN, step: 0 },
      { key: "all_nan", value: Number.NaN, step: 1 },
    ]);
    await tracker.logMetrics(run.id, [
      { key: "ends_nan", value: 2, step: 0 },
      { key: "ends_nan", value: Number.NaN, step: 1 },
    ]);

    const points = await tracker.getMetrics(run.id, ["loss"]);
    points.forEach((p, i) => expect(Object.is(p.value, values[i])).toBe(true));
    const { summary } = (await tracker.getRun(run.id))!;
    expect(summary.loss).toEqual({
      latest: 0.25,
      min: Number.NEGATIVE_INFINITY,
      max: Number.POSITIVE_INFINITY,
      step: 6,
      count: 7,
    });
    expect(summary.all_nan).toEqual({
      latest: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      step: 1,
      count: 2,
    });
    // NaN does not poison min/max; latest shows the divergence.
    expect(summary.ends_nan).toEqual({
      latest: Number.NaN,
      min: 2,
      max: 2,
      step: 1,
      count: 2,
    });
  });

  it("keeps summaries (latest/min/max/step/count) in step with every write", async () => {
    const { tracker } = store();
    const run = await start("summary");
    await tracker.logMetrics(run.id, [
      { key: "val_mse", value: 0.9, step: 0 },
      { key: "val_mse", value: 0.4, step: 1 },
    ]);
    expect((await tracker.getRun(run.id))!.summary.val_mse).toEqual({
      latest: 0.4,
      min: 0.4,
      max: 0.9,
      step: 1,
      count: 2,
    });
    await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.6, step: 2 }]);
    expect((await tracker.getRun(run.id))!.summary.val_mse).toEqual({
      latest: 0.6,
      min: 0.4,
      max: 0.9,
      step: 2,
      count: 3,
    });
  });

  it("upserts (run, key, step) idempotently, recomputing the summary", async () => {
    const { tracker } = store();
    const run = await start("idempotent");
    const batch = [
      { key: "val_mse", value: 0.3, step: 0 },
      { key: "val_mse", value: 0.2, step: 1 },
    ];
    await tracker.logMetrics(run.id, batch);
    await tracker.logMetrics(run.id, batch);
    expect(await tracker.getMetrics(run.id)).toHaveLength(2);
    // Overwrite the minimum: the old min must not survive in the summary.
    await tracker.logMetrics(run.id, [{ key: "val_mse", value: 0.35, step: 1, epoch: 1 }]);
    const points = await tracker.getMetrics(run.id);
    expect(points.map((p) => [p.step, p.value, p.epoch])).toEqual([
      [0, 0.3, null],
      [1, 0.35, 1],
    ]);
    expect((await tracker.getRun(run.id))!.summary.val_mse).toEqual({
      latest: 0.35,
      min: 0.3,
      max: 0.35,
      step: 1,
      count: 2,
    });
    // Repeated (key, step) inside one batch: the last one wins.
    await tracker.logMetrics(run.id, [
      { key: "val_mse", value: 1, step: 2 },
      { key: "val_mse", value: 0.1, step: 2 },
    ]);
    expect((await tracker.getMetrics(run.id)).at(-1)?.value).toBe(0.1);
  });

  it("accepts out-of-order steps; latest is the highest step", async () => {
    const { tracker } = store();
    const run = await start("out-of-order");
    for (const step of [5, 1, 3, 0, 4, 2]) await tracker.logMetrics(run.id, [{ key: "m", value: step * 10, step }]);
    expect((await tracker.getMetrics(run.id)).map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
    await tracker.logMetrics(run.id, [{ key: "m", value: -1, step: 2 }]);
    expect((await tracker.getRun(run.id))!.summary.m).toEqual({
      latest: 50,
      min: -1,
      max: 50,
      step: 5,
      count: 6,
    });
  });

  it("logs params (typed), tags and metrics in one batch", async () => {
    const { tracker } = store();
    const run = await start("batch");
    await tracker.logBatch(run.id, {
      params: {
        lr: 0.001,
        optimizer: "adam",
        shuffle: true,
        one: "1",
        inf: Number.POSITIVE_INFINITY,
        third: 1 / 3,
      },
      tags: { stage: "dev" },
      metrics: [{ key: "train_mse", value: 0.1, step: 0 }],
    });
    await tracker.logParams(run.id, { lr: 0.0005 });
    await tracker.setTags(run.id, { stage: "final", note: "" });
    const got = (await tracker.getRun(run.id))!;
    expect(got.params).toEqual({
      lr: 0.0005,
      optimizer: "adam",
      shuffle: true,
      one: "1",
      inf: Number.POSITIVE_INFINITY,
      third: 1 / 3,
    });
    expect(typeof got.params.one).toBe("string");
    expect(got.tags).toEqual({ stage: "final", note: "" });
    expect(got.heartbeatAt).not.toBeNull();
  });

  it("rejects bad input before writing, and unknown runs with NOT_FOUND", async () => {
    const { tracker } = store();
    const run = await start("invalid");
    const bad: unknown[] = [
      [{ key: "", value: 1, step: 0 }],
      [{ key: "k", value: "1", step: 0 }],
      [{ key: "k", value: 1, step: -1 }],
      [{ key: "k", value: 1, step: 1.5 }],
      [{ key: "k", value: 1, step: 0, wallTime: new Date(Number.NaN) }],
    ];
    for (const metrics of bad) {
      const error = await tracker.logMetrics(run.id, metrics as MetricInput[]).catch((e: unknown) => e);
      expect(isAelabError(error, "INVALID_INPUT"), String(error)).toBe(true);
      expect((error as Error).message).toMatch(/Received: /);
    }
    expect(await tracker.getMetrics(run.id)).toEqual([]);
    const missing = await tracker.logMetrics("no-such-run", [{ key: "k", value: 1, step: 0 }]).catch((e: unknown) => e);
    expect(isAelabError(missing, "NOT_FOUND")).toBe(true);
    expect((missing as Error).message).toMatch(/Received: runId="no-such-run"/);
    expect(isAelabError(await tracker.getMetrics("no-such-run").catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
  });
});

describe("metrics conformance harness", () => {
  it("has a value list that Prisma's own Float writes would corrupt", () => {
    expect(EXACT.some((v) => Number(v.toPrecision(15)) !== v)).toBe(true);
  });
});
