import { afterAll, describe, expect, it } from "vitest";
import { loadCsv } from "./index.ts";
import { expectDataError, gzip, tempDir } from "./internal/test-files.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("loadCsv round trips", () => {
  it("reads a headed CSV with a named label column and a sample shape", () => {
    const p = tmp.write("headed.csv", "label,p0,p1,p2,p3\n3,0,51,255,102\r\n7,255,0,0,51\n\n");
    const ds = loadCsv(p, { labelColumn: "label", shape: [2, 2, 1] });
    expect(ds.images.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(ds.labels ?? [])).toEqual([3, 7]);
    expect(Array.from(ds.images.data)).toEqual(Array.from(Float32Array.from([0, 0.2, 1, 0.4, 1, 0, 0, 0.2])));
    expect(ds.scaling).toBe("unit");
  });

  it("reads a header-less CSV with a label index, keeping values with scaling 'none'", () => {
    const p = tmp.write("plain.csv", "0.5,-1.25,1\n2.75,1e-3,0\n");
    const ds = loadCsv(p, { header: false, labelColumn: 2, scaling: "none" });
    expect(ds.images.shape).toEqual([2, 2]);
    expect(Array.from(ds.labels ?? [])).toEqual([1, 0]);
    expect(Array.from(ds.images.data)).toEqual(Array.from(Float32Array.from([0.5, -1.25, 2.75, 1e-3])));
  });

  it("detects a header automatically and leaves [0, 1] floats as is under 'unit'", () => {
    const p = tmp.write("auto.csv", "a,b\n0.25,0.75\n");
    const ds = loadCsv(p);
    expect(ds.labels).toBeUndefined();
    expect(Array.from(ds.images.data)).toEqual([0.25, 0.75]);
    const q = tmp.write("auto2.csv", "0.25,0.75\n1,0\n");
    expect(loadCsv(q).images.shape).toEqual([2, 2]);
  });
});

describe("loadCsv gzip", () => {
  it("reads a gzipped CSV, detected by magic", () => {
    const p = tmp.write("z.csv", gzip(new TextEncoder().encode("x,y\n0.5,0.25\n")));
    expect(Array.from(loadCsv(p).images.data)).toEqual([0.5, 0.25]);
  });
});

describe("loadCsv errors", () => {
  it("names the line and column of a non-numeric cell", () => {
    const p = tmp.write("nan.csv", "label,x,y\n1,0.5,0.5\n2,0.25,oops\n");
    expectDataError(() => loadCsv(p, { labelColumn: "label" }), p, /line 3, column 3 \("y"\): expected a number/, /"oops"/);
    const q = tmp.write("nan2.csv", "1,2\n3,\n");
    expectDataError(() => loadCsv(q, { header: false }), q, /line 2, column 2: expected a number/, /""/);
  });

  it("rejects a ragged row", () => {
    const p = tmp.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    expectDataError(() => loadCsv(p), p, /line 3: expected 3 columns, as on line 1/, /2 columns/);
  });

  it("rejects rows holding more cells than the header names", () => {
    const p = tmp.write("header-count.csv", "label,x\n1,0.5,0.25\n");
    expectDataError(() => loadCsv(p, { labelColumn: "label" }), p, /line 2: expected 2 columns, as on line 1/, /3 columns/);
  });

  it("rejects a CSV gzipped twice", () => {
    const p = tmp.write("twice.csv.gz", gzip(gzip(new TextEncoder().encode("1,2\n"))));
    expectDataError(() => loadCsv(p), p, /expected one layer of gzip compression/, /compressed twice/);
  });

  it("rejects a shape that does not match the column count, and an unknown label column", () => {
    const p = tmp.write("shape.csv", "1,2,3\n");
    expectDataError(() => loadCsv(p, { shape: [2, 2] }), p, /line 1: expected 4 feature columns/, /3 feature columns/);
    const q = tmp.write("label.csv", "a,b\n1,2\n");
    expectDataError(() => loadCsv(q, { labelColumn: "label" }), q, /header/, /"a","b"/);
  });

  it("rejects an empty file and a non-integer label", () => {
    const p = tmp.write("empty.csv", "\n");
    expectDataError(() => loadCsv(p), p, /line 1/, /empty file/);
    const q = tmp.write("lab.csv", "0.5,1\n");
    expectDataError(() => loadCsv(q, { labelColumn: 0 }), q, /line 1, column 1: expected an integer label/, /"0.5"/);
  });

  it("rejects out-of-range values under 'unit'", () => {
    const p = tmp.write("range.csv", "1,-2\n");
    expectDataError(() => loadCsv(p), p, /values/, /min=-2, max=1/);
  });
});
