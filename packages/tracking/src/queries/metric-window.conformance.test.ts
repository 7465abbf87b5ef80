import { afterAll, beforeAll, expect, it } from "vitest";
import { describeStores, specFor } from "../conformance/test-stores.ts";
import type { MetricInput } from "../tracker.ts";
import { openTrackingQueries, type TrackingQueries } from "./tracking-queries.ts";
import type { WindowPoint } from "./metric-window.ts";

const STEPS = 5000;
const SPIKE_STEP = 3217;
const DIP_STEP = 1234;
/** A smooth, noisy-looking decay with one upward spike and one downward dip. */
function lossAt(step: number): number {
  if (step === SPIKE_STEP) return 9.5;
  if (step === DIP_STEP) return -3.25;
  return 1 / (1 + step / 100) + 0.01 * Math.sin(step * 1.7);
}

/** The points min/max bucketing must keep, computed in JS with the documented rule. */
function expectedKept(points: WindowPoint[], maxPoints: number): WindowPoint[] {
  if (points.length <= maxPoints) return points;
  const buckets = Math.floor((maxPoints - 2) / 2);
  const first = points[0].step;
  const last = points[points.length - 1].step;
  const keep = new Set<number>([first, last]);
  const byBucket = new Map<number, WindowPoint[]>();
  for (const p of points) {
    const b = Math.floor(((p.step - first) * buckets) / (last - first + 1));
    byBucket.set(b, [...(byBucket.get(b) ?? []), p]);
  }
  const rank = (p: WindowPoint) => (Number.isNaN(p.value) ? Infinity : p.value);
  for (const group of byBucket.values()) {
    const low = group.reduce((a, b) => (Number.isNaN(b.value) ? a : Number.isNaN(a.value) || b.value < a.value ? b : a));
    const high = group.reduce((a, b) => (Number.isNaN(a.value) ? a : Number.isNaN(b.value) || rank(b) > rank(a) ? b : a));
    keep.add(low.step).add(high.step);
  }
  return points.filter((p) => keep.has(p.step));
}

describeStores("metric windows (downsampled curves)", (store) => {
  let queries: TrackingQueries;
  const ids: Record<string, string> = {};
  const logged: WindowPoint[] = Array.from({ length: STEPS }, (_, step) => ({ step, epoch: Math.floor(step / 500), value: lossAt(step) }));

  beforeAll(async () => {
    const { tracker, url } = store();
    queries = await openTrackingQueries({ url });
    for (const name of ["long", "other", "odd"]) {
      ids[name] = (await tracker.startRun({ experimentName: "windows", name, architecture: "dense", hiddenSize: 8, spec: specFor("dense", 8) })).id;
    }
    const long: MetricInput[] = logged.flatMap((p) => [
      { key: "train_loss", value: p.value, step: p.step, epoch: p.epoch ?? undefined },
      { key: "val_loss", value: p.value * 2, step: p.step, epoch: p.epoch ?? undefined },
    ]);
    for (let i = 0; i < long.length; i += 2500) await tracker.logMetrics(ids.long, long.slice(i, i + 2500));
    await tracker.logMetrics(
      ids.other,
      [1, 2, 3].map((step) => ({ key: "train_loss", value: step / 10, step })),
    );
    // Non-finite values: NaN shows as its bucket's high point, ±Infinity order as themselves.
    const odd = Array.from({ length: 300 }, (_, step) => ({
      key: "val_loss",
      value: step === 150 ? NaN : step === 40 ? Infinity : step === 41 ? -Infinity : 1,
      step,
    }));
    await tracker.logMetrics(ids.odd, odd);
  });
  afterAll(async () => {
    await queries?.close();
  });

  it("keeps at most maxPoints, the first and last points, and every bucket's min and max (so spikes survive)", async () => {
    const [train, val] = await queries.metricWindows({ runIds: [ids.long] });
    expect([train.key, val.key]).toEqual(["train_loss", "val_loss"]);
    expect(train).toMatchObject({ runId: ids.long, total: STEPS, downsampled: true });
    expect(train.points.length).toBeLessThanOrEqual(1000);
    expect(train.points.length).toBeGreaterThan(900);
    expect(train.points[0]).toEqual({ step: 0, epoch: 0, value: lossAt(0) });
    expect(train.points.at(-1)).toEqual({ step: STEPS - 1, epoch: 9, value: lossAt(STEPS - 1) });
    expect(train.points).toContainEqual({ step: SPIKE_STEP, epoch: 6, value: 9.5 });
    expect(train.points).toContainEqual({ step: DIP_STEP, epoch: 2, value: -3.25 });
    expect(train.points).toEqual(expectedKept(logged, 1000));
    expect(val.points.map((p) => p.value)).toEqual(expectedKept(logged, 1000).map((p) => p.value * 2));
  });

  it("respects the step range, and returns every point when the window is small enough", async () => {
    const [all] = await queries.metricWindows({ runIds: [ids.long], keys: ["train_loss"], from: 1000, to: 1999 });
    expect(all).toMatchObject({ total: 1000, downsampled: false });
    expect(all.points).toEqual(logged.slice(1000, 2000));

    const [zoomed] = await queries.metricWindows({ runIds: [ids.long], keys: ["train_loss"], from: 3000, to: 3999, maxPoints: 100 });
    expect(zoomed).toMatchObject({ total: 1000, downsampled: true });
    expect(zoomed.points.length).toBeLessThanOrEqual(100);
    expect(zoomed.points.every((p) => p.step >= 3000 && p.step <= 3999)).toBe(true);
    expect(zoomed.points[0].step).toBe(3000);
    expect(zoomed.points.at(-1)?.step).toBe(3999);
    expect(zoomed.points).toContainEqual({ step: SPIKE_STEP, epoch: 6, value: 9.5 });
    expect(zoomed.points).toEqual(expectedKept(logged.slice(3000, 4000), 100));

    const [open] = await queries.metricWindows({ runIds: [ids.long], keys: ["train_loss"], from: 4990 });
    expect(open.points.map((p) => p.step)).toEqual([4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999]);
    expect(await queries.metricWindows({ runIds: [ids.long], from: 6000 })).toEqual([]);
  });

  it("reads several runs at once, in the order asked, and ignores unknown runs", async () => {
    const series = await queries.metricWindows({ runIds: [ids.other, "no-such-run", ids.long], keys: ["train_loss"], maxPoints: 10 });
    expect(series.map((s) => [s.runId, s.key, s.points.length <= 10])).toEqual([
      [ids.other, "train_loss", true],
      [ids.long, "train_loss", true],
    ]);
    expect(series[0].points).toEqual([1, 2, 3].map((step) => ({ step, epoch: null, value: step / 10 })));
    expect(series[1].points[0].step).toBe(0);
    expect(series[1].points.at(-1)?.step).toBe(STEPS - 1);
    expect(series[1].points).toContainEqual({ step: SPIKE_STEP, epoch: 6, value: 9.5 });
  });

  it("keeps NaN (as its bucket's high point) and ±Infinity", async () => {
    const [odd] = await queries.metricWindows({ runIds: [ids.odd], maxPoints: 20 });
    expect(odd.points.length).toBeLessThanOrEqual(20);
    const values = odd.points.map((p) => p.value);
    expect(values).toContainEqual(NaN);
    expect(values).toContain(Infinity);
    expect(values).toContain(-Infinity);
    expect(odd.points.find((p) => Number.isNaN(p.value))?.step).toBe(150);
  });

  it("refuses bad windows, naming the field", async () => {
    await expect(queries.metricWindows({ runIds: [] })).rejects.toThrow(/runIds/);
    await expect(queries.metricWindows({ runIds: [ids.long], from: 10, to: 5 })).rejects.toThrow(/from/);
    await expect(queries.metricWindows({ runIds: [ids.long], maxPoints: 1 })).rejects.toThrow(/maxPoints/);
  });

  it("lists the facets of a scope", async () => {
    const { tracker } = store();
    await tracker.startRun({ experimentName: "windows", name: "conv", architecture: "conv", hiddenSize: 32, spec: {} });
    await tracker.startRun({ experimentName: "windows", name: "nohidden", architecture: "conv", spec: {} });
    await tracker.startRun({ experimentName: "elsewhere", name: "x", architecture: "vae", hiddenSize: 2, spec: {} });
    expect(await queries.runFacets({ experimentName: "windows" })).toEqual({ architectures: ["conv", "dense"], hiddenSizes: [8, 32], total: 5 });
    expect(await queries.runFacets()).toEqual({ architectures: ["conv", "dense", "vae"], hiddenSizes: [2, 8, 32], total: 6 });
    expect(await queries.runFacets({ experimentName: "nothing" })).toEqual({ architectures: [], hiddenSizes: [], total: 0 });
  });
});
