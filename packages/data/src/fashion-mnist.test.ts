import { describe, expect, it } from "vitest";
import { FASHION_MNIST_DIR, fashionMnistFiles, loadFashionMnist } from "./index.ts";
import { expectDataError, tempDir } from "./internal/test-files.ts";

describe("loadFashionMnist (Debian's dataset-fashion-mnist)", () => {
  it("finds the gzipped IDX files and loads the official test part with class names", () => {
    expect(fashionMnistFiles("test")).toEqual({
      images: `${FASHION_MNIST_DIR}/t10k-images-idx3-ubyte.gz`,
      labels: `${FASHION_MNIST_DIR}/t10k-labels-idx1-ubyte.gz`,
    });
    const test = loadFashionMnist({ part: "test" });
    expect(test.name).toBe("fashion-mnist-test");
    expect(test.images.shape).toEqual([10_000, 28, 28, 1]);
    expect(test.classNames?.[9]).toBe("Ankle boot");
  });

  it("loads the 60,000 training images", () => {
    const train = loadFashionMnist({ part: "train", scaling: "none" });
    expect(train.images.shape).toEqual([60_000, 28, 28, 1]);
    expect(train.labels?.length).toBe(60_000);
    expect(train.images.data[0]).toBe(0);
  });

  it("names the folder and the files it looked for when they are missing", () => {
    const tmp = tempDir();
    try {
      expectDataError(
        () => fashionMnistFiles("train", tmp.path("")),
        tmp.path(""),
        /expected train-images-idx3-ubyte.gz or train-images-idx3-ubyte/,
        /neither exists/,
      );
    } finally {
      tmp.cleanup();
    }
  });
});
