import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fitPca } from "./pca.ts";
import { readBaselineValue, readPcaFile, writePcaFile } from "./baselines-cache.ts";
import { Baselines } from "./baselines.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-baselines-cache-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = 40;
const d = 6;
const train = { data: Float32Array.from({ length: rows * d }, (_, i) => Math.sin(i * 0.7) * ((i % d) + 1)), shape: [rows, d] };
const validation = { data: Float32Array.from({ length: 10 * d }, (_, i) => Math.cos(i * 0.3)), shape: [10, d] };

describe("baselines cache", () => {
  it("round-trip a fitted model bit for bit, and refuse other dimensions or garbage", () => {
    const model = fitPca(train);
    const path = join(dir, "nested", "pca.f64");
    writePcaFile(path, model);
    expect(readPcaFile(path, d)).toEqual(model);
    expect(readPcaFile(path, d + 1)).toBeUndefined();
    expect(readPcaFile(join(dir, "missing.f64"), d)).toBeUndefined();
    writeFileSync(join(dir, "bad.f64"), "not a pca file at all!!");
    expect(readPcaFile(join(dir, "bad.f64"), d)).toBeUndefined();
  });

  it("Baselines share the PCA and the values per code size through the cache folder, bit for bit", () => {
    const labels = Int32Array.from({ length: rows }, (_, i) => i % 3);
    const split = { train, validation, trainLabels: labels, validationLabels: labels.slice(0, 10) } as unknown as ConstructorParameters<typeof Baselines>[0];
    const cacheDir = join(dir, "baselines");
    const plain = new Baselines(split);
    new Baselines(split, { cacheDir }).warm([2, 99]);
    expect(readPcaFile(join(cacheDir, "pca.f64"), d)).toEqual(fitPca(train));
    expect(readBaselineValue(cacheDir, "pcaMse", 2)).toBe(plain.pcaMse(2));
    expect(readBaselineValue(cacheDir, "probe", 2)).toBe(plain.pcaProbeAccuracy(2));
    expect(readBaselineValue(cacheDir, "probe", 99)).toBeNull();
    expect(readBaselineValue(cacheDir, "pcaMse", 5)).toBeUndefined();
    // A second process reads them (planted values show it does not recompute).
    writeFileSync(join(cacheDir, "pcaMse-2.json"), "0.5");
    writeFileSync(join(cacheDir, "probe-2.json"), "0.25");
    const second = new Baselines(split, { cacheDir });
    expect(second.pcaMse(2)).toBe(0.5);
    expect(second.pcaProbeAccuracy(2)).toBe(0.25);
    expect(second.pcaMse(3)).toBe(plain.pcaMse(3));
    expect(readBaselineValue(cacheDir, "pcaMse", 3)).toBe(plain.pcaMse(3));
  });
});

describe("computeOnce", () => {
  it("computes under the lock, and a process finding the lock taken waits for the value", async () => {
    const { computeOnce } = await import("./baselines-cache.ts");
    const lock = join(dir, "once", "v.lock");
    let computed = 0;
    let stored: number | undefined;
    expect(
      computeOnce(
        lock,
        () => stored,
        () => (computed++, (stored = 7)),
      ),
    ).toBe(7);
    expect(
      computeOnce(
        lock,
        () => stored,
        () => (computed++, 8),
      ),
    ).toBe(7);
    expect(computed).toBe(1);
    // A lock held by a live process (this one) is waited on until its value appears.
    writeFileSync(lock, `${hostname()} ${process.pid}`);
    let reads = 0;
    const value = computeOnce(
      lock,
      () => (++reads >= 3 ? 9 : undefined),
      () => 10,
    );
    expect(value).toBe(9);
    // A lock whose holder died on this machine is broken at once.
    writeFileSync(lock, `${hostname()} 2147483646`);
    expect(
      computeOnce(
        lock,
        () => undefined,
        () => 11,
      ),
    ).toBe(11);
    expect(existsSync(lock)).toBe(false);
    rmSync(lock, { force: true });
  });
});
