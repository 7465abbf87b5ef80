import { gatherRows } from "@aelab/core";
import { FASHION_MNIST_DIR, loadMnist, splitDataset } from "@aelab/data";
import { idxBytes, pngjsBytes, tempDir } from "@aelab/data/testing";
import { afterAll, describe, expect, it } from "vitest";
import { prepareData } from "./datasets.ts";
import { parseDataConfig } from "./run-config.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const data = (input: unknown) => parseDataConfig(input, "test.yaml", tmp.path(""));

describe("prepareData: mnist (the default) is today's data and split", () => {
  it("gives the same split for the same seed as loadMnist + splitDataset, with no test set", () => {
    const prepared = prepareData(data(undefined));
    const before = splitDataset(loadMnist(), { validationFraction: 0.1, seed: 42 });
    expect(prepared.description.validationIndices).toEqual([...before.validationIndices]);
    expect(Buffer.from(prepared.split.train.data.buffer).equals(Buffer.from(before.train.data.buffer))).toBe(true);
    expect(prepared.test).toBeUndefined();
    expect(prepared.scaling).toBe("unit");
    expect(prepared.description).toMatchObject({
      source: "mnist",
      limit: null,
      seed: 42,
      validationFraction: 0.1,
      trainSize: 9000,
      validationSize: 1000,
      testSize: null,
      sampleShape: [28, 28, 1],
      scaling: "unit",
    });
    expect(prepared.description.config).toEqual(data({}));
    // The config a caller passes again (the CLI after parseRunConfig) is not loaded twice.
    expect(prepareData(data({}))).toBe(prepared);
  });

  it("carves a test set with testFraction, leaving the validation rows as they were", () => {
    const plain = prepareData(data({ limit: 500 }));
    const carved = prepareData(data({ limit: 500, testFraction: 0.2 }));
    expect(carved.description.validationIndices).toEqual(plain.description.validationIndices);
    expect(carved.test?.images.shape).toEqual([100, 28, 28, 1]);
    expect(carved.test?.labels?.length).toBe(100);
    expect(carved.description).toMatchObject({ trainSize: 350, validationSize: 50, testSize: 100, testFraction: 0.2 });
    expect(carved.description.testIndices).toHaveLength(100);
  });
});

describe("prepareData: fashion-mnist", () => {
  it("splits the training files, keeps the official t10k files as the test set, and standardises with training statistics only", () => {
    const prepared = prepareData(data({ source: "fashion-mnist", limit: 3000, scaling: "standardize" }));
    const d = prepared.description;
    expect(d.files).toEqual(
      ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].map(
        (f) => `${FASHION_MNIST_DIR}/${f}`,
      ),
    );
    expect(d).toMatchObject({ trainSize: 2700, validationSize: 300, testSize: 3000, limit: 3000 });
    expect(d.classNames?.[0]).toBe("T-shirt/top");
    expect(prepared.test?.labels?.length).toBe(3000);
    // The statistics are those of the raw training rows, and nothing else.
    const raw = gatherRows(prepared.dataset.images, prepared.split.trainIndices).data;
    let sum = 0;
    for (const v of raw) sum += v;
    const mean = sum / raw.length;
    let sq = 0;
    for (const v of raw) sq += (v - mean) ** 2;
    const scaling = prepared.scaling as { type: string; mean: number[]; std: number[] };
    expect(scaling.type).toBe("standardize");
    expect(scaling.mean[0]).toBeCloseTo(mean, 6);
    expect(scaling.std[0]).toBeCloseTo(Math.sqrt(sq / raw.length), 6);
    expect(d.scaling).toEqual(scaling);
    // Raw pixels in [0, 255] become standardised values for train, validation and test alike.
    const first = prepared.dataset.images.data[prepared.split.validationIndices[0] * 784 + 400];
    expect(prepared.split.validation.data[400]).toBeCloseTo((first - scaling.mean[0]) / scaling.std[0], 5);
    const testMax = Math.max(...(prepared.test?.images.data.subarray(0, 784) ?? []));
    expect(testMax).toBeCloseTo((255 - scaling.mean[0]) / scaling.std[0], 4);
  });
});

describe("prepareData: file sources", () => {
  it("idx with an official test set, rank-4 colour samples and labels", () => {
    const n = 30;
    const values = Array.from({ length: n * 2 * 2 * 3 }, (_, i) => i % 256);
    tmp.write("idx/train.idx", idxBytes(0x08, [n, 2, 2, 3], values));
    tmp.write(
      "idx/labels.idx",
      idxBytes(
        0x08,
        [n],
        Array.from({ length: n }, (_, i) => i % 4),
      ),
    );
    tmp.write("idx/test.idx", idxBytes(0x08, [5, 2, 2, 3], values.slice(0, 60)));
    const prepared = prepareData(
      data({ source: "idx", images: "idx/train.idx", labels: "idx/labels.idx", testImages: "idx/test.idx", validationFraction: 0.2 }),
    );
    expect(prepared.description).toMatchObject({
      sampleShape: [2, 2, 3],
      trainSize: 24,
      validationSize: 6,
      testSize: 5,
      files: [tmp.path("idx/train.idx"), tmp.path("idx/labels.idx"), tmp.path("idx/test.idx")],
    });
    expect(prepared.split.trainLabels?.length).toBe(24);
    expect(prepared.test?.labels).toBeUndefined();
    expect(prepared.test?.images.data[1]).toBeCloseTo(1 / 255, 7);
  });

  it("png class folders with a test folder: labels by the training classes, the training channel count", () => {
    const gray = (v: number) => pngjsBytes({ width: 2, height: 2, colorType: 0, bitDepth: 8, samples: [v, v, v, v] });
    const rgb = (v: number) => pngjsBytes({ width: 2, height: 2, colorType: 2, bitDepth: 8, samples: new Array(12).fill(v) });
    for (let i = 0; i < 10; i++) tmp.write(`png/train/cat/${i}.png`, rgb(i));
    for (let i = 0; i < 10; i++) tmp.write(`png/train/dog/${i}.png`, gray(100 + i));
    tmp.write("png/test/dog/a.png", gray(255));
    const prepared = prepareData(data({ source: "png", dir: "png/train", testDir: "png/test", scaling: "none" }));
    expect(prepared.description).toMatchObject({ sampleShape: [2, 2, 3], classNames: ["cat", "dog"], testSize: 1, trainSize: 18, validationSize: 2 });
    expect(Array.from(prepared.test?.labels ?? [])).toEqual([1]);
    expect(Array.from(prepared.test?.images.data.subarray(0, 3) ?? [])).toEqual([255, 255, 255]);
  });
});
