/**
 * Fashion-MNIST from its official IDX files, as Debian's `dataset-fashion-mnist`
 * installs them: 60,000 training and 10,000 test images (the t10k files), 28x28.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "./dataset.ts";
import { loadIdx } from "./idx.ts";
import { dataError } from "./internal/read-source.ts";
import type { Scaling } from "./internal/read-source.ts";

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** The class names of labels 0–9. */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

export interface LoadFashionMnistOptions {
  /** "train" (60,000 images) or "test" (the official 10,000 t10k images). */
  part: "train" | "test";
  /** Folder holding the four IDX files, gzipped or not; default `FASHION_MNIST_DIR`. */
  dir?: string;
  scaling?: Scaling;
}

/** The images and labels files of one part: `<name>.gz` if present, else `<name>`. */
export function fashionMnistFiles(part: "train" | "test", dir = FASHION_MNIST_DIR): { images: string; labels: string } {
  const prefix = part === "train" ? "train" : "t10k";
  const find = (name: string) => {
    for (const candidate of [`${name}.gz`, name]) if (existsSync(join(dir, candidate))) return join(dir, candidate);
    throw dataError(dir, "folder", `expected ${name}.gz or ${name} (Debian's dataset-fashion-mnist installs them in ${FASHION_MNIST_DIR})`, "neither exists");
  };
  return { images: find(`${prefix}-images-idx3-ubyte`), labels: find(`${prefix}-labels-idx1-ubyte`) };
}

/**
 * Loads one part of Fashion-MNIST as [N, 28, 28, 1] with labels 0–9.
 *
 * @example
 * const test = loadFashionMnist({ part: "test" }); // 10,000 images in [0, 1]
 */
export function loadFashionMnist(options: LoadFashionMnistOptions): Dataset {
  const files = fashionMnistFiles(options.part, options.dir);
  const ds = loadIdx({ ...files, scaling: options.scaling, name: options.part === "train" ? "fashion-mnist" : "fashion-mnist-test" });
  return { ...ds, classNames: [...FASHION_MNIST_CLASSES] };
}
