import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadIdx } from "./index.ts";
import { expectDataError, gzip, idxBytes, tempDir } from "./internal/test-files.ts";

const FASHION = "/usr/share/datasets/fashion-mnist";
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("loadIdx on real Fashion-MNIST", () => {
  it("loads the 10,000 t10k images as [N, 28, 28, 1] in [0, 1] with 1,000 labels per class", () => {
    const ds = loadIdx({ images: `${FASHION}/t10k-images-idx3-ubyte.gz`, labels: `${FASHION}/t10k-labels-idx1-ubyte.gz` });
    expect(ds.images.shape).toEqual([10_000, 28, 28, 1]);
    expect(ds.images.data.length).toBe(10_000 * 784);
    expect(ds.labels?.length).toBe(10_000);
    expect(ds.scaling).toBe("unit");
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of ds.images.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // Fashion-MNIST's mean pixel is about 0.286.
    expect(sum / ds.images.data.length).toBeGreaterThan(0.27);
    expect(sum / ds.images.data.length).toBeLessThan(0.3);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.labels ?? []) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  it("keeps raw byte values with scaling 'none'", () => {
    const ds = loadIdx({ images: `${FASHION}/t10k-images-idx3-ubyte.gz`, scaling: "none" });
    expect(ds.labels).toBeUndefined();
    expect(Math.max(...ds.images.data.subarray(0, 784))).toBe(255);
    expect(ds.images.data.every((v) => Number.isInteger(v))).toBe(true);
  });
});

describe("loadIdx round trips", () => {
  it("reads raw and gzipped files alike, detecting gzip by magic, not extension", () => {
    const bytes = idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    const raw = tmp.write("raw.gz", bytes); // misleading extension on purpose
    const zipped = tmp.write("zipped.idx", gzip(bytes));
    for (const p of [raw, zipped]) {
      const ds = loadIdx({ images: p, scaling: "none" });
      expect(ds.images.shape).toEqual([2, 2, 3, 1]);
      expect(Array.from(ds.images.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
    }
    expect(loadIdx({ images: raw }).images.data[11]).toBe(1);
  });

  it.each([
    [0x09, [-128, -1, 0, 127]],
    [0x0b, [-32768, -2, 300, 32767]],
    [0x0c, [-2147483648, -5, 70000, 2147483647]],
    [0x0d, [0.5, -1.25, 3.75, 1e6]],
    [0x0e, [0.25, -2.5, 1e-3, 123456.5]],
  ])("reads dtype 0x%s big-endian exactly", (dtype, values) => {
    const p = tmp.write(`dtype-${dtype}.idx`, idxBytes(dtype, [2, 2], values));
    const ds = loadIdx({ images: p, scaling: "none" });
    expect(ds.images.shape).toEqual([2, 2]);
    expect(Array.from(ds.images.data)).toEqual(Array.from(Float32Array.from(values)));
  });

  it("leaves float data already in [0, 1] as is under 'unit', and rejects out-of-range floats", () => {
    const ok = tmp.write("unit.idx", idxBytes(0x0d, [1, 2], [0.25, 1]));
    expect(Array.from(loadIdx({ images: ok }).images.data)).toEqual([0.25, 1]);
    const bad = tmp.write("range.idx", idxBytes(0x0d, [1, 2], [0.25, -3.5]));
    expectDataError(() => loadIdx({ images: bad }), bad, /values/, /min=-3.5, max=0.25/);
  });
});

describe("loadIdx errors", () => {
  it("rejects a header count that does not match the data", () => {
    const bytes = idxBytes(0x08, [3, 2, 2], new Array(12).fill(7));
    new DataView(bytes.buffer).setUint32(4, 4, false); // claims 4 images, holds 3
    const p = tmp.write("count.idx", bytes);
    expectDataError(() => loadIdx({ images: p }), p, /offset 28: expected 16 uint8 values for dims \[4,2,2\]/, /28 bytes/);
  });

  it("rejects a truncated file, raw and gzipped", () => {
    const bytes = idxBytes(0x08, [2, 2, 2], new Array(8).fill(1)).subarray(0, 10);
    const p = tmp.write("trunc.idx", bytes);
    expectDataError(() => loadIdx({ images: p }), p, /offset 10/, /file ends at 10 bytes/);
    const full = gzip(idxBytes(0x08, [2, 2, 2], new Array(8).fill(1)));
    const g = tmp.write("trunc.gz", full.subarray(0, full.length - 6));
    expectDataError(() => loadIdx({ images: g }), g, /gzip stream/);
  });

  it("rejects a gzip file read as raw: compressed twice, the inner gzip is not parsed as an IDX header", () => {
    const p = tmp.write("twice.idx.gz", gzip(gzip(idxBytes(0x08, [1, 1], [0]))));
    expectDataError(() => loadIdx({ images: p }), p, /gzip stream \(uncompressed offset 0\)/, /compressed twice/);
  });

  it("rejects a gzip file whose body is corrupted", () => {
    const real = readFileSync(`${FASHION}/t10k-labels-idx1-ubyte.gz`);
    const corrupt = new Uint8Array(real);
    for (let i = 100; i < 140; i++) corrupt[i] ^= 0xff;
    const p = tmp.write("corrupt.gz", corrupt);
    expectDataError(() => loadIdx({ images: p }), p, /gzip stream/);
  });

  it("rejects a wrong magic and an unknown dtype byte", () => {
    const bytes = idxBytes(0x08, [1, 1], [0]);
    bytes[0] = 0x12;
    const p = tmp.write("magic.idx", bytes);
    expectDataError(() => loadIdx({ images: p }), p, /offset 0/, /0x12 0x00/);
    const d = idxBytes(0x08, [1, 1], [0]);
    d[2] = 0x0a;
    const q = tmp.write("dtype.idx", d);
    expectDataError(() => loadIdx({ images: q }), q, /offset 2/, /0x0a/);
  });

  it("rejects labels whose count does not match the images", () => {
    const images = tmp.write("i.idx", idxBytes(0x08, [2, 1, 1], [0, 1]));
    const labels = tmp.write("l.idx", idxBytes(0x08, [3], [0, 1, 2]));
    expectDataError(() => loadIdx({ images, labels }), labels, /offset 4/, /dims \[3\]/);
  });
});
