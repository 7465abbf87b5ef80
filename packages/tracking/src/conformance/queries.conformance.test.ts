import { isAelabError } from "@aelab/core";
import { beforeAll, expect, it } from "vitest";
import type { RunRecord, RunStatus, Tracker } from "../tracker.ts";
import { describeStores, specFor } from "./test-stores.ts";

const EXP = "queries";

interface Seeded {
  sweepId: string;
  byName: Map<string, RunRecord>;
}

/**
 * 9 runs over 2 architectures × hidden sizes, one sweep, mixed statuses.
 * val_mse: (best value) per run; `nan-run` only ever logged NaN; `no-metric` never logged it.
 */
async function seed(tracker: Tracker): Promise<Seeded> {
  const sweep = await tracker.createSweep({
    experimentName: EXP,
    name: "grid",
    config: { hiddenSize: [2, 8, 32] },
  });
  const plan: [name: string, arch: string, hidden: number, status: Exclude<RunStatus, "queued">, vals: number[], sweep: boolean][] = [
    ["dense-2", "dense", 2, "finished", [0.09, 0.07, 0.08], true],
    ["dense-8", "dense", 8, "finished", [0.05, 0.04], true],
    ["dense-32", "dense", 32, "failed", [0.03, Number.POSITIVE_INFINITY], true],
    ["conv-2", "conv", 2, "finished", [0.06, 0.065], false],
    ["conv-8", "conv", 8, "running", [0.045], false],
    ["conv-32", "conv", 32, "finished", [Number.NEGATIVE_INFINITY, 0.02], false],
    ["nan-run", "conv", 8, "crashed", [Number.NaN], false],
    ["no-metric", "dense", 8, "pruned", [], false],
    ["other-exp", "dense", 8, "finished", [0.001], false],
  ];
  const byName = new Map<string, RunRecord>();
  for (const [name, architecture, hiddenSize, status, vals, inSweep] of plan) {
    const run = await tracker.startRun({
      experimentName: name === "other-exp" ? `${EXP}-other` : EXP,
      name,
      architecture,
      hiddenSize,
      spec: specFor(architecture, hiddenSize),
      ...(inSweep ? { sweepId: sweep.id } : {}),
    });
    await tracker.logMetrics(run.id, [
      ...vals.map((value, step) => ({
        key: "val_mse",
        value,
        step,
        epoch: step,
      })),
      ...(name === "no-metric" ? [] : [{ key: "pca_val_mse", value: 0.5 / hiddenSize, step: 0 }]),
    ]);
    if (status !== "running")
      await tracker.endRun(run.id, {
        status,
        ...(status === "failed" ? { error: "boom" } : {}),
      });
    byName.set(name, run);
  }
  return { sweepId: sweep.id, byName };
}

describeStores("queries", (store) => {
  let seeded: Seeded;
  const names = (runs: RunRecord[]) => runs.map((r) => r.name);
  beforeAll(async () => {
    seeded = await seed(store().tracker);
  });

  it("filters by experiment, sweep, status, architecture and hidden size, with totals", async () => {
    const { tracker } = store();
    expect((await tracker.listRuns({ experimentName: EXP })).total).toBe(8);
    expect((await tracker.listRuns({ experimentName: `${EXP}-other` })).total).toBe(1);
    const sweep = await tracker.listRuns({
      sweepId: seeded.sweepId,
      orderBy: "name",
    });
    expect([sweep.total, names(sweep.runs)]).toEqual([3, ["dense-2", "dense-32", "dense-8"]]);
    const finished = await tracker.listRuns({
      experimentName: EXP,
      status: ["finished"],
    });
    expect(finished.total).toBe(4);
    const failedOrCrashed = await tracker.listRuns({
      experimentName: EXP,
      status: ["failed", "crashed"],
      orderBy: "name",
    });
    expect(names(failedOrCrashed.runs)).toEqual(["dense-32", "nan-run"]);
    const conv8 = await tracker.listRuns({
      experimentName: EXP,
      architecture: ["conv"],
      hiddenSize: [8],
      orderBy: "name",
    });
    expect(names(conv8.runs)).toEqual(["conv-8", "nan-run"]);
    const both = await tracker.listRuns({
      experimentName: EXP,
      hiddenSize: [2, 32],
      architecture: [],
      orderBy: "name",
    });
    expect(names(both.runs)).toEqual(["conv-2", "conv-32", "dense-2", "dense-32"]);
  });

  it("returns full records: params, tags and summaries", async () => {
    const { runs } = await store().tracker.listRuns({
      experimentName: EXP,
      architecture: ["dense"],
      hiddenSize: [8],
      orderBy: "name",
    });
    const dense8 = runs.find((r) => r.name === "dense-8")!;
    expect(dense8).toMatchObject({
      experimentName: EXP,
      status: "finished",
      sweepId: seeded.sweepId,
    });
    expect(dense8.summary.val_mse).toEqual({
      latest: 0.04,
      min: 0.04,
      max: 0.05,
      step: 1,
      count: 2,
    });
    expect(dense8.spec).toEqual(specFor("dense", 8));
  });

  it("sorts by columns and by metric summaries (missing last, NaN just before)", async () => {
    const { tracker } = store();
    const byMin = await tracker.listRuns({
      experimentName: EXP,
      orderBy: "metric:val_mse",
    });
    expect(names(byMin.runs)).toEqual(["conv-32", "dense-32", "dense-8", "conv-8", "conv-2", "dense-2", "nan-run", "no-metric"]);
    const byMinDesc = await tracker.listRuns({
      experimentName: EXP,
      orderBy: "metric:val_mse",
      direction: "desc",
    });
    expect(names(byMinDesc.runs)).toEqual(["dense-2", "conv-2", "conv-8", "dense-8", "dense-32", "conv-32", "nan-run", "no-metric"]);
    const byMax = await tracker.listRuns({
      experimentName: EXP,
      orderBy: "metric:val_mse:max",
      direction: "desc",
      limit: 2,
    });
    expect(names(byMax.runs)).toEqual(["dense-32", "dense-2"]);
    const byLatest = await tracker.listRuns({
      experimentName: EXP,
      orderBy: "metric:val_mse:latest",
      limit: 3,
    });
    expect(names(byLatest.runs)).toEqual(["conv-32", "dense-8", "conv-8"]);
    const byHidden = await tracker.listRuns({
      experimentName: EXP,
      orderBy: "hiddenSize",
      direction: "desc",
      limit: 2,
    });
    expect(byHidden.runs.map((r) => r.hiddenSize)).toEqual([32, 32]);
    const newest = await tracker.listRuns({ experimentName: EXP, limit: 1 });
    expect(names(newest.runs)).toEqual(["no-metric"]);
    const oldest = await tracker.listRuns({
      experimentName: EXP,
      direction: "asc",
      limit: 1,
    });
    expect(names(oldest.runs)).toEqual(["dense-2"]);
  });

  it("paginates: pages concatenate to the full ordering, totals stay put", async () => {
    const { tracker } = store();
    for (const orderBy of ["metric:val_mse", "name", "startedAt"] as const) {
      const full = await tracker.listRuns({
        experimentName: EXP,
        orderBy,
        limit: 100,
      });
      const pages: string[] = [];
      for (let offset = 0; offset < 10; offset += 3) {
        const page = await tracker.listRuns({
          experimentName: EXP,
          orderBy,
          limit: 3,
          offset,
        });
        expect(page.total).toBe(8);
        pages.push(...names(page.runs));
      }
      expect(pages).toEqual(names(full.runs));
    }
    expect((await tracker.listRuns({ experimentName: EXP, offset: 50 })).runs).toEqual([]);
  });

  it("rejects bad queries", async () => {
    const { tracker } = store();
    for (const query of [
      { limit: 0 },
      { limit: 1001 },
      { offset: -1 },
      { orderBy: "metric:" },
      { orderBy: "bogus" },
      { status: ["done"] },
      { direction: "up" },
    ]) {
      const error = await tracker.listRuns(query as never).catch((e: unknown) => e);
      expect(isAelabError(error, "INVALID_INPUT"), JSON.stringify(query)).toBe(true);
    }
  });

  it("compare: best (min) metric per run with the PCA baseline beside it", async () => {
    const rows = await store().tracker.compare({
      experimentName: EXP,
      metric: "val_mse",
    });
    const table = rows.map((r) => [r.name, r.architecture, r.hiddenSize, r.status, r.best, r.pca]);
    expect(table).toEqual([
      ["conv-2", "conv", 2, "finished", 0.06, 0.25],
      ["conv-8", "conv", 8, "running", 0.045, 0.0625],
      ["nan-run", "conv", 8, "crashed", Number.NaN, 0.0625],
      ["conv-32", "conv", 32, "finished", Number.NEGATIVE_INFINITY, 0.015625],
      ["dense-2", "dense", 2, "finished", 0.07, 0.25],
      ["dense-8", "dense", 8, "finished", 0.04, 0.0625],
      ["no-metric", "dense", 8, "pruned", null, null],
      ["dense-32", "dense", 32, "failed", 0.03, 0.015625],
    ]);
    const sweepRows = await store().tracker.compare({
      sweepId: seeded.sweepId,
      metric: "val_mse",
      pcaMetric: "val_mse",
    });
    expect(sweepRows.map((r) => [r.name, r.best, r.pca])).toEqual([
      ["dense-2", 0.07, 0.08],
      ["dense-8", 0.04, 0.04],
      ["dense-32", 0.03, Number.POSITIVE_INFINITY],
    ]);
  });

  it("artifacts: logged, listed in order, validated", async () => {
    const { tracker } = store();
    const run = seeded.byName.get("dense-8")!;
    const sha = "AB".repeat(32);
    const first = await tracker.logArtifact(run.id, {
      kind: "weights",
      path: "/tmp/a/weights.bin",
      bytes: 5_000_000_000,
      sha256: sha,
    });
    expect(first).toMatchObject({
      runId: run.id,
      kind: "weights",
      bytes: 5_000_000_000,
      sha256: sha.toLowerCase(),
    });
    for (const kind of ["onnx-encoder", "onnx-decoder", "weights"]) {
      await tracker.logArtifact(run.id, {
        kind,
        path: `/tmp/a/${kind}`,
        bytes: 10,
        sha256: "0".repeat(64),
      });
    }
    const listed = await tracker.listArtifacts(run.id);
    expect(listed.map((a) => a.kind)).toEqual(["weights", "onnx-encoder", "onnx-decoder", "weights"]);
    expect(listed[0]).toEqual(first);
    expect(await tracker.listArtifacts(seeded.byName.get("conv-2")!.id)).toEqual([]);
    const badSha = await tracker.logArtifact(run.id, { kind: "w", path: "p", bytes: 1, sha256: "xyz" }).catch((e: unknown) => e);
    expect(isAelabError(badSha, "INVALID_INPUT")).toBe(true);
    const noRun = await tracker
      .logArtifact("nope", {
        kind: "w",
        path: "p",
        bytes: 1,
        sha256: "0".repeat(64),
      })
      .catch((e: unknown) => e);
    expect(isAelabError(noRun, "NOT_FOUND")).toBe(true);
    expect(isAelabError(await tracker.listArtifacts("nope").catch((e: unknown) => e), "NOT_FOUND")).toBe(true);
  });
});
