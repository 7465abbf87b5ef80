import { afterAll, describe, expect, it } from "vitest";
import { loadPngFolder } from "./index.ts";
import { expectDataError, tempDir } from "./internal/test-files.ts";
import { pngjsBytes, rawPngBytes } from "./internal/test-png.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const f32 = (values: number[]) => Array.from(Float32Array.from(values));
const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
/** The documented rule for 1 or 3 channels: alpha composited over black, then divided by the maximum under "unit". */
const over = (v: number, a: number, max: number, div: number) => (v * (a / max)) / div;

/** Writes one image alone in a folder and loads that folder. */
function one(name: string, bytes: Uint8Array, options: Parameters<typeof loadPngFolder>[1] = {}) {
  tmp.write(`${name}/img.png`, bytes);
  return loadPngFolder(tmp.path(name), options);
}

describe("loadPngFolder decodes every colour type and bit depth (written by pngjs)", () => {
  it("gray 8 and 16 bit: one channel by default, raw or divided by 2^depth − 1", () => {
    const g8 = pngjsBytes({ width: 2, height: 1, colorType: 0, bitDepth: 8, samples: [0, 51] });
    expect(one("g8", g8).images).toEqual({ data: Float32Array.from([0, 0.2]), shape: [1, 1, 2, 1] });
    expect(Array.from(one("g8", g8, { scaling: "none" }).images.data)).toEqual([0, 51]);
    expect(Array.from(one("g8", g8, { channels: 3 }).images.data)).toEqual(f32([0, 0, 0, 0.2, 0.2, 0.2]));
    expect(Array.from(one("g8", g8, { channels: 4 }).images.data)).toEqual(f32([0, 0, 0, 1, 0.2, 0.2, 0.2, 1]));
    const g16 = pngjsBytes({ width: 2, height: 1, colorType: 0, bitDepth: 16, samples: [1000, 65535] });
    expect(Array.from(one("g16", g16).images.data)).toEqual(f32([1000 / 65535, 1]));
    expect(Array.from(one("g16", g16, { scaling: "none" }).images.data)).toEqual([1000, 65535]);
  });

  it("RGB 8 and 16 bit: three channels by default; one channel is the BT.601 luma", () => {
    const rgb = [10, 20, 30, 255, 0, 128];
    const c8 = pngjsBytes({ width: 2, height: 1, colorType: 2, bitDepth: 8, samples: rgb });
    const ds = one("c8", c8);
    expect(ds.images.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(ds.images.data)).toEqual(f32(rgb.map((v) => v / 255)));
    expect(Array.from(one("c8", c8, { channels: 1, scaling: "none" }).images.data)).toEqual(f32([luma(10, 20, 30), luma(255, 0, 128)]));
    expect(Array.from(one("c8", c8, { channels: 4 }).images.data)).toEqual(f32([10 / 255, 20 / 255, 30 / 255, 1, 1, 0, 128 / 255, 1]));
    const rgb16 = [0, 32768, 65535, 1, 2, 3];
    const c16 = pngjsBytes({ width: 2, height: 1, colorType: 2, bitDepth: 16, samples: rgb16 });
    expect(Array.from(one("c16", c16).images.data)).toEqual(f32(rgb16.map((v) => v / 65535)));
    expect(Array.from(one("c16", c16, { scaling: "none" }).images.data)).toEqual(rgb16);
  });

  it("gray+alpha 8 and 16 bit: alpha composited over black, or kept as a fourth channel", () => {
    const ga8 = pngjsBytes({ width: 3, height: 1, colorType: 4, bitDepth: 8, samples: [200, 255, 200, 51, 90, 0] });
    expect(Array.from(one("ga8", ga8).images.data)).toEqual(f32([200 / 255, over(200, 51, 255, 255), 0]));
    expect(Array.from(one("ga8", ga8, { scaling: "none" }).images.data)).toEqual(f32([200, over(200, 51, 255, 1), 0]));
    expect(Array.from(one("ga8", ga8, { channels: 4, scaling: "none" }).images.data)).toEqual([200, 200, 200, 255, 200, 200, 200, 51, 90, 90, 90, 0]);
    const ga16 = pngjsBytes({ width: 2, height: 1, colorType: 4, bitDepth: 16, samples: [1000, 65535, 1000, 30000] });
    expect(Array.from(one("ga16", ga16).images.data)).toEqual(f32([1000 / 65535, over(1000, 30000, 65535, 65535)]));
  });

  it("RGBA 8 and 16 bit", () => {
    const px = [255, 128, 0, 255, 255, 128, 0, 102];
    const c8 = pngjsBytes({ width: 2, height: 1, colorType: 6, bitDepth: 8, samples: px });
    expect(Array.from(one("rgba8", c8).images.data)).toEqual(f32([1, 128 / 255, 0, over(255, 102, 255, 255), over(128, 102, 255, 255), 0]));
    expect(Array.from(one("rgba8", c8, { channels: 4, scaling: "none" }).images.data)).toEqual(px);
    const px16 = [65535, 0, 300, 65535, 65535, 0, 300, 0];
    const c16 = pngjsBytes({ width: 2, height: 1, colorType: 6, bitDepth: 16, samples: px16 });
    expect(Array.from(one("rgba16", c16).images.data)).toEqual(f32([1, 0, 300 / 65535, 0, 0, 0]));
    expect(Array.from(one("rgba16", c16, { channels: 4 }).images.data)).toEqual(f32(px16.map((v) => v / 65535)));
  });
});

describe("loadPngFolder decodes what pngjs cannot encode (written chunk by chunk)", () => {
  it.each([
    [1, [0, 1, 1, 0, 1, 0, 0, 1]],
    [2, [0, 1, 2, 3, 3, 2, 1, 0]],
    [4, [0, 5, 15, 10, 1, 2, 3, 4]],
  ])("gray %i-bit", (depth, samples) => {
    const bytes = rawPngBytes({ width: 8, height: 1, colorType: 0, depth, samples });
    const max = 2 ** depth - 1;
    expect(Array.from(one(`gray${depth}`, bytes).images.data)).toEqual(f32(samples.map((v) => v / max)));
    expect(Array.from(one(`gray${depth}`, bytes, { scaling: "none" }).images.data)).toEqual(samples);
  });

  it.each([1, 2, 4, 8])("palette with %i-bit indices and tRNS alpha: 8-bit entries, composited over black", (depth) => {
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
    ];
    const indices = [0, 1, 1, 0];
    const bytes = rawPngBytes({ width: 4, height: 1, colorType: 3, depth, samples: indices, palette });
    const ds = one(`pal${depth}`, bytes);
    expect(ds.images.shape).toEqual([1, 1, 4, 3]);
    expect(Array.from(ds.images.data)).toEqual(indices.flatMap((i) => palette[i].map((v) => v / 255)));
    const withAlpha = rawPngBytes({ width: 4, height: 1, colorType: 3, depth, samples: indices, palette, trns: [255, 51] });
    expect(Array.from(one(`pala${depth}`, withAlpha, { scaling: "none" }).images.data)).toEqual(
      f32([255, 0, 0, 0, 0, over(255, 51, 255, 1), 0, 0, over(255, 51, 255, 1), 255, 0, 0]),
    );
    expect(Array.from(one(`pala${depth}`, withAlpha, { channels: 4, scaling: "none" }).images.data)).toEqual([
      255, 0, 0, 255, 0, 0, 255, 51, 0, 0, 255, 51, 255, 0, 0, 255,
    ]);
  });

  it("gray with a tRNS colour: that gray value is fully transparent", () => {
    const bytes = rawPngBytes({ width: 3, height: 1, colorType: 0, depth: 8, samples: [51, 52, 255], trns: [0, 51] });
    expect(Array.from(one("gtrns", bytes, { scaling: "none" }).images.data)).toEqual([0, 52, 255]);
    expect(Array.from(one("gtrns", bytes, { scaling: "none", channels: 4 }).images.data)).toEqual([0, 0, 0, 0, 52, 52, 52, 255, 255, 255, 255, 255]);
  });
});

describe("loadPngFolder layouts and the channel rule", () => {
  const gray = (v: number) => pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [v, v, v, v] });

  it("class folders become labels in sorted folder order; files sorted; dot-names and other files ignored", () => {
    tmp.write("classes/zebra/b.png", gray(2));
    tmp.write("classes/zebra/a.png", gray(1));
    tmp.write("classes/apple/x.PNG", gray(3));
    tmp.write("classes/apple/notes.txt", "not an image");
    tmp.write("classes/.hidden/y.png", "junk");
    tmp.write("classes/apple/.z.png", "junk");
    const ds = loadPngFolder(tmp.path("classes"), { scaling: "none" });
    expect(ds.classNames).toEqual(["apple", "zebra"]);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1, 1]);
    expect(ds.images.shape).toEqual([3, 2, 2, 1]);
    expect([0, 1, 2].map((i) => ds.images.data[i * 4])).toEqual([3, 1, 2]);
  });

  it("a test folder labelled by the training classes; an unknown class is refused", () => {
    tmp.write("test-classes/zebra/q.png", gray(9));
    const ds = loadPngFolder(tmp.path("test-classes"), { classNames: ["apple", "zebra"] });
    expect(Array.from(ds.labels ?? [])).toEqual([1]);
    tmp.write("test-classes/mango/q.png", gray(9));
    expectDataError(
      () => loadPngFolder(tmp.path("test-classes"), { classNames: ["apple", "zebra"] }),
      tmp.path("test-classes/mango"),
      /expected a class folder named one of "apple", "zebra"/,
      /"mango"/,
    );
  });

  it("a flat folder has no labels; one colour image among gray ones makes three channels", () => {
    tmp.write("flat/a.png", gray(10));
    tmp.write("flat/b.png", pngjsBytes({ width: 2, height: 2, colorType: 2, bitDepth: 8, samples: new Array(12).fill(0).map((_, i) => i) }));
    const ds = loadPngFolder(tmp.path("flat"), { scaling: "none" });
    expect(ds.labels).toBeUndefined();
    expect(ds.classNames).toBeUndefined();
    expect(ds.images.shape).toEqual([2, 2, 2, 3]);
    expect(Array.from(ds.images.data.subarray(0, 3))).toEqual([10, 10, 10]);
    expect(Array.from(ds.images.data.subarray(12, 15))).toEqual([0, 1, 2]);
  });
});

describe("loadPngFolder errors name the file", () => {
  it("images of different sizes: names the file and both sizes", () => {
    tmp.write("sizes/a.png", pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [0, 0, 0, 0] }));
    const b = tmp.write("sizes/b.png", pngjsBytes({ width: 3, height: 1, colorType: 0, bitDepth: 8, samples: [0, 0, 0] }));
    expectDataError(() => loadPngFolder(tmp.path("sizes")), b, /expected 2x2 \(width x height\) like .*sizes\/a\.png/, /3x1/);
  });

  it("a file that is not a PNG, a truncated one, and one with a bad CRC", () => {
    const good = pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4] });
    const text = tmp.write("notpng/a.png", "hello, world");
    expectDataError(() => loadPngFolder(tmp.path("notpng")), text, /offset 0: expected the PNG signature/, /68 65 6c 6c 6f 2c 20 77/);
    const cut = tmp.write("trunc/a.png", good.subarray(0, good.length - 20));
    expectDataError(() => loadPngFolder(tmp.path("trunc")), cut, /the file is truncated/, /file ends at \d+ bytes/);
    const short = tmp.write("short/a.png", good.subarray(0, 20));
    expectDataError(() => loadPngFolder(tmp.path("short")), short, /offset 20: expected an IHDR chunk/, /file ends at 20 bytes/);
    const bad = new Uint8Array(good);
    bad[bad.length - 1] ^= 0xff; // the IEND chunk's CRC
    const crc = tmp.write("crc/a.png", bad);
    expectDataError(() => loadPngFolder(tmp.path("crc")), crc, /PNG data: expected a complete, valid PNG/, /Crc error/i);
  });

  it("raw samples of different bit depths, a missing or empty folder, and a folder mixing layouts", () => {
    tmp.write("depths/a.png", pngjsBytes({ width: 1, height: 1, colorType: 0, bitDepth: 8, samples: [1] }));
    const b = tmp.write("depths/b.png", pngjsBytes({ width: 1, height: 1, colorType: 0, bitDepth: 16, samples: [1] }));
    expectDataError(() => loadPngFolder(tmp.path("depths"), { scaling: "none" }), b, /samples up to 255/, /bit depth 16/);
    expect(loadPngFolder(tmp.path("depths")).images.shape).toEqual([2, 1, 1, 1]);
    expectDataError(() => loadPngFolder(tmp.path("missing")), tmp.path("missing"), /folder: expected a readable folder/, /ENOENT/);
    tmp.write("empty/readme.txt", "nothing here");
    expectDataError(() => loadPngFolder(tmp.path("empty")), tmp.path("empty"), /expected .png files or class folders/, /neither/);
    tmp.write("mixed/a.png", "x");
    tmp.write("mixed/cats/b.png", "x");
    expectDataError(() => loadPngFolder(tmp.path("mixed")), tmp.path("mixed"), /not both/, /1 .png files and folders "cats"/);
    tmp.write("emptyclass/cats/readme.txt", "x");
    expectDataError(() => loadPngFolder(tmp.path("emptyclass")), tmp.path("emptyclass/cats"), /at least one .png file/, /none/);
  });
});
