import { isAelabError } from "@aelab/core";
import { floatBytes, gzip, idxBytes, npyBytes, pngjsBytes, tempDir } from "@aelab/data/testing";
import { afterAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { parseRunConfig, readConfigFile } from "./run-config.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const FILE = "run.yaml";
const parse = (input: Record<string, unknown>) => parseRunConfig({ model: { preset: "dense", hiddenSize: 4 }, ...input }, FILE, { baseDir: tmp.path("") });

/** The error a run file gets: its code, and a message naming the file, the field and what was received. */
function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isAelabError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("parseRunConfig: the data decides the model's input", () => {
  it("defaults to mnist exactly as before: [28, 28, 1], unit scaling, seed 42, 10% validation", () => {
    const config = parse({});
    expect(config.data).toEqual({ source: "mnist", scaling: "unit", validationFraction: 0.1, seed: 42, testFraction: 0 });
    expect(config.spec.input).toEqual({ shape: [28, 28, 1], scaling: "unit" });
  });

  it("reads the Fashion-MNIST example (Debian's files, unit scaling), and records standardisation statistics in the spec", () => {
    const path = fileURLToPath(new URL("../../../examples/fashion-mnist-dense.yaml", import.meta.url));
    const example = parseRunConfig(readConfigFile(path), path);
    expect(example.data).toMatchObject({ source: "fashion-mnist", dir: "/usr/share/datasets/fashion-mnist", scaling: "unit" });
    expect(example.spec.input).toEqual({ shape: [28, 28, 1], scaling: "unit" });
    const config = parse({ data: { source: "fashion-mnist", scaling: "standardize" } });
    const scaling = config.spec.input.scaling as { type: string; mean: number[]; std: number[] };
    expect(scaling.type).toBe("standardize");
    // Fashion-MNIST's pixel mean and std are about 72.9 and 90.0 (0.286 and 0.353 of 255).
    expect(scaling.mean[0]).toBeGreaterThan(72);
    expect(scaling.mean[0]).toBeLessThan(74);
    expect(scaling.std[0]).toBeGreaterThan(89);
    expect(scaling.std[0]).toBeLessThan(91);
  });

  it("takes the input shape from an npy file, relative to the run file's folder; rank-2 samples get a channel", () => {
    const values = Array.from({ length: 40 * 16 }, (_, i) => (i % 7) / 7);
    tmp.write("x.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (40, 4, 4), }", floatBytes(values, 4, true)));
    const config = parse({ data: { source: "npy", images: "x.npy", scaling: "none" } });
    expect(config.data).toMatchObject({ images: tmp.path("x.npy") });
    expect(config.spec.input).toEqual({ shape: [4, 4, 1], scaling: "none" });
  });

  it("takes the input shape from a CSV sample shape and from PNG folders", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 2},${i % 5},1,2,3`).join("\n");
    tmp.write("d.csv", `label,a,b,c,d\n${rows}\n`);
    expect(parse({ data: { source: "csv", file: "d.csv", labelColumn: "label", shape: [2, 2, 1] } }).spec.input.shape).toEqual([2, 2, 1]);
    for (let i = 0; i < 20; i++) tmp.write(`pngs/${i}.png`, pngjsBytes({ width: 3, height: 2, colorType: 2, bitDepth: 8, samples: new Array(18).fill(i) }));
    expect(parse({ data: { source: "png", dir: "pngs" } }).spec.input.shape).toEqual([2, 3, 3]);
  });
});

describe("parseRunConfig refuses, naming the file and the field", () => {
  it("presets whose default loss is bce (vae, seed-conv) with standardize: core's refusal", () => {
    for (const preset of ["vae", "seed-conv"]) {
      const r = refusal(() => parse({ model: { preset, hiddenSize: 8 }, data: { limit: 100, scaling: "standardize" } }));
      expect(r.code).toBe("INVALID_SPEC");
      expect(r.message).toMatch(/^run\.yaml: data\.scaling "standardize" sets model\.input\.scaling: Binary cross-entropy needs targets in \[0, 1\]/);
      expect(r.message).toContain('Received: loss "bce" with scaling "standardize"');
    }
    expect(parse({ model: { preset: "vae", hiddenSize: 8, loss: "mse" }, data: { limit: 100, scaling: "standardize" } }).spec.loss).toBe("mse");
  });

  it("a full spec whose input scaling or shape says otherwise than the data", () => {
    const model = {
      input: { shape: [28, 28, 1], scaling: "none" },
      encoder: [{ type: "flatten" }, { type: "dense", units: 4 }],
      decoder: [
        { type: "dense", units: 784 },
        { type: "reshape", targetShape: [28, 28, 1] },
      ],
    };
    const r = refusal(() => parse({ model, data: { limit: 100 } }));
    expect(r.message).toBe(
      'run.yaml: model.input.scaling must match the data\'s scaling, which data.scaling decides (leave it out of the model). Received: model.input.scaling="none", data gives "unit"',
    );
    expect(parse({ model, data: { limit: 100, scaling: "none" } }).spec.input.scaling).toBe("none");
    const flat = { input: { shape: [784] }, encoder: [{ type: "dense", units: 4 }], decoder: [{ type: "dense", units: 784 }] };
    const wrong = refusal(() => parse({ model: flat, data: { limit: 100 } }));
    expect(wrong.message).toMatch(/^run\.yaml: model\.input\.shape must match the mnist samples \[28,28,1\]\. Received: \[784\]$/);
  });

  it("unknown sources, missing paths, a testFraction beside an official test set", () => {
    expect(refusal(() => parse({ data: { source: "cifar" } })).message).toMatch(
      /data in run\.yaml at data\.source: Invalid discriminator value\. Expected 'mnist' \| 'fashion-mnist' \| 'idx' \| 'npy' \| 'csv' \| 'png'\. Received: "cifar"/,
    );
    expect(refusal(() => parse({ data: { source: "idx" } })).message).toMatch(/at data\.images: .*Received: nothing/);
    expect(refusal(() => parse({ data: { source: "fashion-mnist", testFraction: 0.1 } })).message).toMatch(/Unrecognized key: "testFraction"/);
    expect(refusal(() => parse({ data: { source: "idx", images: "a", testImages: "b", testFraction: 0.1 } })).message).toBe(
      "run.yaml: at data.testFraction: expected no testFraction beside data.testImages (the official test set). Received: testFraction=0.1",
    );
    expect(refusal(() => parse({ data: { source: "idx", images: "a", testLabels: "b" } })).message).toMatch(
      /at data\.testLabels: expected data\.testImages beside data\.testLabels/,
    );
    expect(refusal(() => parse({ data: { testFraction: 0.5, validationFraction: 0.5 } })).message).toMatch(
      /at data\.testFraction: expected validationFraction \+ testFraction < 1.*Received: 0.5 \+ 0.5/,
    );
    const missing = refusal(() => parse({ data: { source: "fashion-mnist", dir: "nowhere" } }));
    expect(missing.message).toBe(
      `run.yaml: data.dir: ${tmp.path("nowhere")}: folder: expected train-images-idx3-ubyte.gz or train-images-idx3-ubyte (Debian's dataset-fashion-mnist installs them in /usr/share/datasets/fashion-mnist). Received: neither exists`,
    );
  });
});

describe("malformed data files through a run file: INVALID_DATA naming the file, the data field and the offset, line or header field", () => {
  const bad = (data: Record<string, unknown>, pattern: RegExp) => {
    const r = refusal(() => parse({ data }));
    expect(r.code).toBe("INVALID_DATA");
    expect(r.message).toMatch(pattern);
    expect(r.message).toMatch(/Received: [^\n]+$/);
  };

  it("an IDX header count that does not match the data", () => {
    const bytes = idxBytes(0x08, [30, 2, 2], new Array(120).fill(1));
    new DataView(bytes.buffer).setUint32(4, 31, false);
    const p = tmp.write("count.idx", bytes);
    bad(
      { source: "idx", images: "count.idx" },
      new RegExp(`^run\\.yaml: data\\.images: ${p}: offset 136: expected 124 uint8 values for dims \\[31,2,2\\].*Received: 136 bytes$`),
    );
  });

  it("labels whose count does not match, named as data.labels", () => {
    tmp.write("ok.idx", idxBytes(0x08, [30, 2, 2], new Array(120).fill(1)));
    const l = tmp.write("labels.idx", idxBytes(0x08, [29], new Array(29).fill(1)));
    bad(
      { source: "idx", images: "ok.idx", labels: "labels.idx" },
      new RegExp(`^run\\.yaml: data\\.labels: ${l}: offset 4: expected rank-1 labels with 30 entries`),
    );
    const n = tmp.write("labels.npy", npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(24)));
    tmp.write("x30.npy", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (30, 2), }", floatBytes(new Array(60).fill(0.5), 4, true)));
    bad(
      { source: "npy", images: "x30.npy", labels: "labels.npy" },
      new RegExp(`^run\\.yaml: data\\.labels: ${n}: expected one label per row of data\\.images \\(30\\)\\. Received: 3 labels$`),
    );
  });

  it("a truncated file: IDX, and a PNG in the test folder", () => {
    const p = tmp.write("trunc.idx", idxBytes(0x08, [30, 2, 2], new Array(120).fill(1)).subarray(0, 50));
    bad({ source: "idx", images: "trunc.idx" }, new RegExp(`^run\\.yaml: data\\.images: ${p}: offset 50: .*Received: 50 bytes$`));
    for (let i = 0; i < 20; i++) tmp.write(`ok-png/${i}.png`, pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [i, i, i, i] }));
    const png = pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [1, 2, 3, 4] });
    const t = tmp.write("cut-png/a.png", png.subarray(0, png.length - 20));
    bad({ source: "png", dir: "ok-png", testDir: "cut-png" }, new RegExp(`^run\\.yaml: data\\.testDir: ${t}: offset \\d+: .*the file is truncated`));
  });

  it("a gzip file read as raw (compressed twice)", () => {
    const p = tmp.write("twice.idx.gz", gzip(gzip(idxBytes(0x08, [30, 2, 2], new Array(120).fill(1)))));
    bad(
      { source: "idx", images: "twice.idx.gz" },
      new RegExp(`^run\\.yaml: data\\.images: ${p}: gzip stream \\(uncompressed offset 0\\): expected one layer of gzip compression`),
    );
  });

  it("a non-numeric CSV cell and a ragged row", () => {
    const rows = Array.from({ length: 25 }, () => "1,0.5,0.5");
    const p = tmp.write("nan.csv", ["label,x,y", ...rows, "2,0.25,oops"].join("\n"));
    bad(
      { source: "csv", file: "nan.csv", labelColumn: "label" },
      new RegExp(`^run\\.yaml: data\\.file: ${p}: line 27, column 3 \\("y"\\): expected a number\\. Received: "oops"$`),
    );
    const q = tmp.write("ragged.csv", ["label,x,y", ...rows, "2,0.25"].join("\n"));
    tmp.write("fine.csv", ["label,x,y", ...rows].join("\n"));
    bad(
      { source: "csv", file: "fine.csv", testFile: "ragged.csv", labelColumn: "label" },
      new RegExp(`^run\\.yaml: data\\.testFile: ${q}: line 27: expected 3 columns, as on line 1\\. Received: 2 columns$`),
    );
  });

  it("an unsupported npy dtype, naming the header field", () => {
    const p = tmp.write("c8.npy", npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (30,), }", new Uint8Array(240)));
    bad({ source: "npy", images: "c8.npy" }, new RegExp(`^run\\.yaml: data\\.images: ${p}: header field 'descr': expected one of .*Received: "<c8"$`));
  });

  it("a test set whose samples differ from the training samples", () => {
    tmp.write("train22.idx", idxBytes(0x08, [30, 2, 2], new Array(120).fill(1)));
    tmp.write("test33.idx", idxBytes(0x08, [2, 3, 3], new Array(18).fill(1)));
    bad(
      { source: "idx", images: "train22.idx", testImages: "test33.idx" },
      /^run\.yaml: data\.testImages: expected test samples of shape \[2,2,1\], like data\.images\. Received: \[3,3,1\]$/,
    );
  });
});
