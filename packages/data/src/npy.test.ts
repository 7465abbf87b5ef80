import { afterAll, describe, expect, it } from "vitest";
import { loadNpy, loadNpyLabels } from "./index.ts";
import { expectDataError, floatBytes, gzip, npyBytes, tempDir } from "./internal/test-files.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// A 2x3 array in C order: [[0.5, -1.25, 2], [3.5, 1e-3, -7]].
const C_VALUES = [0.5, -1.25, 2, 3.5, 1e-3, -7];
// The same array in Fortran (column-major) order.
const F_VALUES = [0.5, 3.5, -1.25, 1e-3, 2, -7];

describe("loadNpy round trips", () => {
  it.each([
    ["<f4", 4, true],
    [">f4", 4, false],
    ["<f8", 8, true],
    [">f8", 8, false],
  ] as const)("reads %s in C and Fortran order exactly", (descr, size, little) => {
    for (const [fortran, values] of [
      ["False", C_VALUES],
      ["True", F_VALUES],
    ] as const) {
      const p = tmp.write(
        `a-${descr.replace(/[<>]/, (c) => (c === "<" ? "le" : "be"))}-${fortran}.npy`,
        npyBytes(`{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (2, 3), }`, floatBytes(values, size, little)),
      );
      const ds = loadNpy(p, { scaling: "none" });
      expect(ds.images.shape).toEqual([2, 3]);
      expect(Array.from(ds.images.data)).toEqual(Array.from(Float32Array.from(C_VALUES)));
    }
  });

  it("converts a rank-3 Fortran array to C order", () => {
    // shape (2, 2, 2); element (i, j, k) = 100i + 10j + k.
    const c: number[] = [];
    const f: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) c.push(100 * i + 10 * j + k);
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) f.push(100 * i + 10 * j + k);
    const p = tmp.write("f3.npy", npyBytes("{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2, 2), }", floatBytes(f, 8, false)));
    expect(Array.from(loadNpy(p, { scaling: "none" }).images.data)).toEqual(c);
  });

  it("reads |u1 with unit scaling, header versions 2 and 3, and gzip", () => {
    const data = new Uint8Array([0, 51, 255, 102]);
    for (const version of [1, 2, 3]) {
      const p = tmp.write(`u1-v${version}.npy`, npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", data, version));
      expect(Array.from(loadNpy(p).images.data)).toEqual(Array.from(Float32Array.from([0, 0.2, 1, 0.4])));
      expect(Array.from(loadNpy(p, { scaling: "none" }).images.data)).toEqual([0, 51, 255, 102]);
    }
    const g = tmp.write("u1.npy.gz", gzip(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", data)));
    const ds = loadNpy(g, { scaling: "none" });
    expect(ds.images.shape).toEqual([4, 1]);
    expect(Array.from(ds.images.data)).toEqual([0, 51, 255, 102]);
  });
});

describe("loadNpy integer dtypes and loadNpyLabels", () => {
  const intBytes = (values: number[], size: 1 | 2 | 4 | 8, little: boolean) => {
    const out = new Uint8Array(values.length * size);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => {
      if (size === 1) view.setInt8(i, v);
      else if (size === 2) view.setInt16(2 * i, v, little);
      else if (size === 4) view.setInt32(4 * i, v, little);
      else view.setBigInt64(8 * i, BigInt(v), little);
    });
    return out;
  };

  it.each([
    ["|i1", 1, true],
    ["<i2", 2, true],
    [">i2", 2, false],
    ["<i4", 4, true],
    [">i4", 4, false],
    ["<i8", 8, true],
    [">i8", 8, false],
  ] as const)("reads %s labels exactly, shape (N,) or (N, 1)", (descr, size, little) => {
    const values = [0, 9, 3, -1];
    const p = tmp.write(
      `labels-${size}-${little}.npy`,
      npyBytes(`{'descr': '${descr}', 'fortran_order': False, 'shape': (4,), }`, intBytes(values, size, little)),
    );
    expect(Array.from(loadNpyLabels(p))).toEqual(values);
    const q = tmp.write(
      `labels-col-${size}-${little}.npy`,
      npyBytes(`{'descr': '${descr}', 'fortran_order': False, 'shape': (4, 1), }`, intBytes(values, size, little)),
    );
    expect(Array.from(loadNpyLabels(q))).toEqual(values);
  });

  it("reads integer images, dividing [0, 255] integers by 255 under 'unit'", () => {
    const p = tmp.write("img-i8.npy", npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }", intBytes([0, 255], 8, true)));
    expect(Array.from(loadNpy(p).images.data)).toEqual([0, 1]);
  });

  it("refuses labels of the wrong shape or with fractions, naming the file", () => {
    const wide = tmp.write("labels-wide.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", floatBytes([1, 2], 4, true)));
    expectDataError(() => loadNpyLabels(wide), wide, /header field 'shape': expected labels of shape \(N,\) or \(N, 1\)/, /\(1, 2\)/);
    const frac = tmp.write("labels-frac.npy", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", floatBytes([1, 2.5], 8, true)));
    expectDataError(() => loadNpyLabels(frac), frac, /value 1: expected an integer label/, /2.5/);
  });
});

describe("loadNpy errors", () => {
  it("rejects an unsupported dtype, naming the descr field", () => {
    const p = tmp.write("c8.npy", npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)));
    expectDataError(() => loadNpy(p), p, /header field 'descr': expected one of \|u1, .*<i8.*>f8/, /"<c8"/);
    const o = tmp.write("object.npy", npyBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)));
    expectDataError(() => loadNpyLabels(o), o, /header field 'descr'/, /"\|O"/);
  });

  it("rejects a file gzipped twice instead of parsing gzip bytes as a header", () => {
    const p = tmp.write("twice.npy.gz", gzip(gzip(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floatBytes([0.5], 4, true)))));
    expectDataError(() => loadNpy(p), p, /gzip stream \(uncompressed offset 0\): expected one layer of gzip compression/, /compressed twice/);
  });

  it("rejects a header without shape", () => {
    const p = tmp.write("noshape.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, }", new Uint8Array(4)));
    expectDataError(() => loadNpy(p), p, /header field 'shape'/, /'descr': '<f4'/);
  });

  it("rejects a header count that does not match the data", () => {
    const p = tmp.write("count.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", floatBytes([0, 0, 0, 0], 4, true)));
    expectDataError(() => loadNpy(p), p, /offset 144: expected 6 values of <f4 for shape \(3, 2\), i.e. 152 bytes/, /144 bytes/);
  });

  it("rejects a truncated header and a wrong magic", () => {
    const full = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floatBytes([1], 4, true));
    const p = tmp.write("trunc.npy", full.subarray(0, 30));
    expectDataError(() => loadNpy(p), p, /offset 30/, /file ends at 30 bytes/);
    const bad = new Uint8Array(full);
    bad[1] = 0x58;
    const q = tmp.write("magic.npy", bad);
    expectDataError(() => loadNpy(q), q, /offset 0/, /93 58 55 4d 50 59/);
  });

  it("rejects a gzip file whose body is corrupted", () => {
    const z = gzip(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (64,), }", floatBytes(new Array(64).fill(0.5), 4, true)));
    for (let i = 12; i < z.length - 8; i++) z[i] ^= 0x5a;
    const p = tmp.write("corrupt.npy", z);
    expectDataError(() => loadNpy(p), p, /gzip stream/);
  });
});
