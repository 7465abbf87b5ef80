/** The routers through `createCaller`, against a real SQLite file written by the tracker. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTracker, openTrackingQueries, type Tracker, type TrackingQueries } from "@aelab/tracking";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "./root";

let dir: string;
let tracker: Tracker;
let queries: TrackingQueries;
let caller: ReturnType<typeof createCaller>;
const ids: Record<string, string> = {};

async function seed(t: Tracker): Promise<void> {
  const sweep = await t.createSweep({ experimentName: "routers", name: "grid", config: { hiddenSizes: [2, 16] } });
  const cases = [
    { name: "dense-h2", architecture: "dense", hiddenSize: 2, status: "finished" as const, mse: [0.08, 0.06] },
    { name: "dense-h16", architecture: "dense", hiddenSize: 16, status: "finished" as const, mse: [0.05, 0.03] },
    { name: "conv-h16", architecture: "conv", hiddenSize: 16, status: "failed" as const, mse: [0.04] },
  ];
  for (const c of cases) {
    const run = await t.startRun({
      experimentName: "routers",
      name: c.name,
      sweepId: sweep.id,
      architecture: c.architecture,
      hiddenSize: c.hiddenSize,
      spec: { architecture: c.architecture },
      params: { epochs: 2 },
    });
    ids[c.name] = run.id;
    await t.logBatch(run.id, {
      metrics: [
        ...c.mse.map((value, i) => ({ key: "val_mse", value, step: i + 1, epoch: i + 1 })),
        ...c.mse.map((value, i) => ({ key: "train_loss", value: value * 2, step: i + 1, epoch: i + 1 })),
        { key: "pca_val_mse", value: 0.1 / c.hiddenSize, step: 0 },
      ],
    });
    await t.endRun(run.id, c.status === "failed" ? { status: "failed", error: "diverged" } : { status: "finished" });
  }
  await t.startRun({ experimentName: "other", name: "elsewhere", architecture: "dense", hiddenSize: 2, spec: {} });
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("Expected the call to fail, but it succeeded");
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "aelab-dashboard-routers-"));
  tracker = await createTracker({ url: `file:${path.join(dir, "routers.db")}` });
  await seed(tracker);
  queries = await openTrackingQueries({ url: `file:${path.join(dir, "routers.db")}` });
  caller = createCaller({ tracker, queries });
});

afterAll(async () => {
  await queries?.close();
  await tracker?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("runs router", () => {
  it("lists runs with their metric summaries", async () => {
    const { runs, total } = await caller.runs.list({ experimentName: "routers" });
    expect(total).toBe(3);
    const dense16 = runs.find((run) => run.name === "dense-h16");
    expect(dense16?.summary.val_mse).toMatchObject({ min: 0.03, max: 0.05, latest: 0.03, step: 2 });
    expect(dense16?.params).toEqual({ epochs: 2 });
    // No heavy fields in list payloads: the spec and the split (validation indices) come with runs.get only.
    expect(dense16).not.toHaveProperty("spec");
    expect(dense16).not.toHaveProperty("split");
    expect((await caller.runs.get({ id: ids["dense-h16"] })).spec).toEqual({ architecture: "dense" });
  });

  it("lists the same page as table rows only", async () => {
    const input = { experimentName: "routers", orderBy: "name", direction: "asc", limit: 2 } as const;
    const { rows, total } = await caller.runs.rows(input);
    expect(total).toBe(3);
    expect(rows.map((row) => row.id)).toEqual((await caller.runs.list(input)).runs.map((run) => run.id));
    expect(rows[0]).toEqual({
      id: ids["conv-h16"],
      name: "conv-h16",
      architecture: "conv",
      hiddenSize: 16,
      status: "failed",
      backend: null,
      bestValMse: 0.04,
      epochs: 1,
      startedAt: expect.any(Date) as Date,
    });
    expect(rows[1]).toMatchObject({ name: "dense-h16", bestValMse: 0.03, epochs: 2 });
  });

  it("filters by status, architecture and hidden size", async () => {
    const names = async (input: Parameters<typeof caller.runs.list>[0]) =>
      (await caller.runs.list({ experimentName: "routers", ...input })).runs.map((run) => run.name).sort();
    expect(await names({ status: ["failed"] })).toEqual(["conv-h16"]);
    expect(await names({ architecture: ["dense"] })).toEqual(["dense-h16", "dense-h2"]);
    expect(await names({ hiddenSize: [16] })).toEqual(["conv-h16", "dense-h16"]);
    expect(await names({ architecture: ["dense"], hiddenSize: [16] })).toEqual(["dense-h16"]);
    expect((await caller.runs.list({})).total).toBe(4);
  });

  it("sorts by a metric summary and paginates", async () => {
    const page1 = await caller.runs.list({ experimentName: "routers", orderBy: "metric:val_mse", direction: "asc", limit: 2 });
    expect(page1.runs.map((run) => run.name)).toEqual(["dense-h16", "conv-h16"]);
    expect(page1.total).toBe(3);
    const page2 = await caller.runs.list({ experimentName: "routers", orderBy: "metric:val_mse", direction: "asc", limit: 2, offset: 2 });
    expect(page2.runs.map((run) => run.name)).toEqual(["dense-h2"]);
  });

  it("gets one run, and NOT_FOUND for a missing id", async () => {
    expect((await caller.runs.get({ id: ids["conv-h16"] })).error).toBe("diverged");
    const error = await trpcError(caller.runs.get({ id: "no-such-run" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain('Received: id="no-such-run"');
    expect((await trpcError(caller.runs.artifacts({ id: "no-such-run" }))).code).toBe("NOT_FOUND");
  });

  it("rejects bad input with BAD_REQUEST carrying the zod issue", async () => {
    const error = await trpcError(caller.runs.list({ limit: 0 }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.cause).toBeInstanceOf(ZodError);
    expect((error.cause as ZodError).issues[0]).toMatchObject({ path: ["limit"], code: "too_small" });
    const badStatus = await trpcError(caller.runs.list({ status: ["exploded" as "failed"] }));
    expect((badStatus.cause as ZodError).issues[0].path).toEqual(["status", 0]);
    expect((await trpcError(caller.runs.get({ id: "" }))).code).toBe("BAD_REQUEST");
    const extra = await trpcError(caller.runs.get({ id: "x", idd: "y" } as { id: string }));
    expect(extra.code).toBe("BAD_REQUEST");
    expect((extra.cause as ZodError).issues[0]).toMatchObject({ code: "unrecognized_keys", keys: ["idd"] });
  });

  it("returns the filter facets in scope", async () => {
    expect(await caller.runs.facets({ experimentName: "routers" })).toEqual({
      architectures: ["conv", "dense"],
      hiddenSizes: [2, 16],
      total: 3,
    });
  });
});

describe("metrics router", () => {
  it("returns a run's curves by key, every point when they are few", async () => {
    const curves = await caller.metrics.curves({ runId: ids["dense-h2"] });
    expect(curves.map((c) => c.key)).toEqual(["pca_val_mse", "train_loss", "val_mse"]);
    expect(curves.find((c) => c.key === "val_mse")).toEqual({
      runId: ids["dense-h2"],
      key: "val_mse",
      total: 2,
      downsampled: false,
      steps: [1, 2],
      values: [0.08, 0.06],
      epochIsStep: true,
    });
    expect((await trpcError(caller.metrics.curves({ runId: "no-such-run" }))).code).toBe("NOT_FOUND");
    // A real run with nothing in the window is an empty answer, not an error.
    expect(await caller.metrics.curves({ runId: ids["dense-h2"], from: 100 })).toEqual([]);
  });

  it("downsamples a long curve to maxPoints, keeping first, last and a one-step spike, inside the window asked", async () => {
    const long = await tracker.startRun({ experimentName: "other", name: "long", architecture: "dense", hiddenSize: 8, spec: {} });
    const values = Array.from({ length: 5000 }, (_, step) => (step === 2345 ? 50 : 1 / (step + 1)));
    await tracker.logMetrics(
      long.id,
      values.map((value, step) => ({ key: "train_loss", value, step })),
    );
    const [full] = await caller.metrics.curves({ runId: long.id, keys: ["train_loss"] });
    expect(full).toMatchObject({ total: 5000, downsampled: true, epochIsStep: false });
    expect(full.steps.length).toBeLessThanOrEqual(1000);
    expect([full.steps[0], full.steps.at(-1)]).toEqual([0, 4999]);
    expect([full.values[0], full.values.at(-1)]).toEqual([1, 1 / 5000]);
    expect(full.values[full.steps.indexOf(2345)]).toBe(50);

    const [zoomed] = await caller.metrics.curves({ runId: long.id, keys: ["train_loss"], from: 2000, to: 2999, maxPoints: 200 });
    expect(zoomed).toMatchObject({ total: 1000, downsampled: true });
    expect(zoomed.steps.length).toBeLessThanOrEqual(200);
    expect([zoomed.steps[0], zoomed.steps.at(-1)]).toEqual([2000, 2999]);
    expect(zoomed.steps.every((s) => s >= 2000 && s <= 2999)).toBe(true);
    expect(zoomed.values[zoomed.steps.indexOf(2345)]).toBe(50);

    const [fine] = await caller.metrics.curves({ runId: long.id, keys: ["train_loss"], from: 2300, to: 2399 });
    expect(fine.steps).toEqual(Array.from({ length: 100 }, (_, i) => 2300 + i));
    expect(fine.values).toEqual(values.slice(2300, 2400));

    const overlay = await caller.metrics.overlay({ runIds: [long.id, ids["dense-h2"]], keys: ["train_loss"] });
    expect(overlay.map((c) => [c.runId, c.key])).toEqual([
      [long.id, "train_loss"],
      [ids["dense-h2"], "train_loss"],
    ]);
    expect(overlay[0].steps.length).toBeLessThanOrEqual(1000);
    expect(overlay[0].values[overlay[0].steps.indexOf(2345)]).toBe(50);
    expect(overlay[1].values).toEqual([0.16, 0.12]);
  });

  it("rejects a window whose from is after its to, and oversized requests", async () => {
    const error = await trpcError(caller.metrics.curves({ runId: ids["dense-h2"], from: 10, to: 5 }));
    expect(error.code).toBe("BAD_REQUEST");
    expect((error.cause as ZodError).issues[0].path).toEqual(["from"]);
    expect((await trpcError(caller.metrics.curves({ runId: ids["dense-h2"], maxPoints: 1_000_000 }))).code).toBe("BAD_REQUEST");
    expect((await trpcError(caller.metrics.overlay({ runIds: Array.from({ length: 51 }, (_, i) => `r${i}`), keys: ["val_mse"] }))).code).toBe("BAD_REQUEST");
  });

  it("compares best val_mse with the PCA baseline", async () => {
    const rows = await caller.metrics.compare({ experimentName: "routers" });
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(byName["dense-h16"]).toMatchObject({ architecture: "dense", hiddenSize: 16, best: 0.03 });
    expect(byName["dense-h16"].pca).toBeCloseTo(0.1 / 16);
    expect(byName["dense-h2"].best).toBe(0.06);
  });
});

describe("sweeps router", () => {
  it("lists experiments and sweeps", async () => {
    expect((await caller.sweeps.experiments()).map((e) => e.name).sort()).toEqual(["other", "routers"]);
    const sweeps = await caller.sweeps.list({ experimentName: "routers" });
    expect(sweeps.map((s) => s.name)).toEqual(["grid"]);
  });
});
