/**
 * The bulk metric path against logBatch on the same SQLite file: same points,
 * same summaries. PostgreSQL is not covered by design (the bulk path refuses
 * it; PostgreSQL callers use logBatch), so this is not a conformance suite.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempSqliteUrl } from "../conformance/test-stores.ts";
import { createTracker } from "../create-tracker.ts";
import type { MetricInput, Tracker } from "../tracker.ts";
import { openBulkMetricLoader, type BulkMetricLoader } from "./sqlite-bulk-metrics.ts";

const VALUES = [0.1 + 0.2, 1 / 3, 5e-324, 1.7976931348623157e308, NaN, Infinity, -Infinity, 123456789.12345679, 2 ** 53 + 2, -0.5];

describe("bulk metric loader (SQLite)", () => {
  let tracker: Tracker;
  let loader: BulkMetricLoader;
  let dir: string;
  let url: string;
  beforeAll(async () => {
    ({ url, dir } = tempSqliteUrl());
    tracker = await createTracker({ url });
    loader = openBulkMetricLoader(url);
  });
  afterAll(async () => {
    loader?.close();
    await tracker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (name: string) => tracker.startRun({ experimentName: "bulk", name, architecture: "dense", hiddenSize: 4, spec: {} });

  it("stores exactly what logBatch stores: points, NaN/±Infinity, wall times and summaries", async () => {
    const wallTime = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const metrics: MetricInput[] = [
      ...VALUES.map((value, step) => ({ key: "val_mse", value, step, epoch: step, wallTime })),
      ...Array.from({ length: 250 }, (_, step) => ({ key: "train_loss", value: 1 / (step + 1), step, wallTime })),
      { key: "all_nan", value: NaN, step: 0, wallTime },
    ];
    const viaBatch = await start("batch");
    const viaBulk = await start("bulk");
    await tracker.logBatch(viaBatch.id, { metrics });
    expect(loader.load(viaBulk.id, metrics)).toBe(metrics.length);
    const [batchPoints, bulkPoints] = await Promise.all([tracker.getMetrics(viaBatch.id), tracker.getMetrics(viaBulk.id)]);
    expect(bulkPoints).toHaveLength(metrics.length);
    expect(bulkPoints).toEqual(batchPoints);
    expect(bulkPoints.find((p) => p.key === "val_mse" && p.step === 0)).toEqual({ key: "val_mse", step: 0, epoch: 0, value: 0.1 + 0.2, wallTime });
    const [batchRun, bulkRun] = await Promise.all([tracker.getRun(viaBatch.id), tracker.getRun(viaBulk.id)]);
    expect(bulkRun?.summary).toEqual(batchRun?.summary);
    expect(bulkRun?.summary.val_mse).toEqual({ latest: -0.5, min: -Infinity, max: Infinity, step: 9, count: 10 });
  });

  it("upserts a re-logged step and recomputes the summary from every point", async () => {
    const run = await start("upsert");
    loader.load(run.id, [
      { key: "loss", value: 0.01, step: 1 },
      { key: "loss", value: 0.5, step: 2 },
    ]);
    loader.load(run.id, [{ key: "loss", value: 0.9, step: 1 }]);
    expect((await tracker.getMetrics(run.id)).map((p) => p.value)).toEqual([0.9, 0.5]);
    expect((await tracker.getRun(run.id))?.summary.loss).toEqual({ latest: 0.5, min: 0.5, max: 0.9, step: 2, count: 2 });
  });

  it("refuses an unknown run, bad points and PostgreSQL, writing nothing", async () => {
    expect(() => loader.load("no-such-run", [{ key: "loss", value: 1, step: 0 }])).toThrow(/no-such-run/);
    const run = await start("bad");
    expect(() =>
      loader.load(run.id, [
        { key: "loss", value: 1, step: 0 },
        { key: "loss", value: 1, step: -1 },
      ]),
    ).toThrow(/step/);
    expect(await tracker.getMetrics(run.id)).toEqual([]);
    expect(() => openBulkMetricLoader("postgresql://postgres@127.0.0.1:5432/test")).toThrow(/SQLite/);
  });
});
