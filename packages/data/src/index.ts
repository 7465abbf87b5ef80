/** @aelab/data: dataset loaders, the seeded split and training-split standardisation. */
export type { Dataset, Split } from "./dataset.ts";
export { loadMnist } from "./mnist.ts";
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, fashionMnistFiles, loadFashionMnist } from "./fashion-mnist.ts";
export type { LoadFashionMnistOptions } from "./fashion-mnist.ts";
export { loadIdx } from "./idx.ts";
export type { LoadIdxOptions } from "./idx.ts";
export { loadNpy, loadNpyLabels } from "./npy.ts";
export type { LoadNpyOptions } from "./npy.ts";
export { loadCsv } from "./csv.ts";
export type { LoadCsvOptions } from "./csv.ts";
export { loadPngFolder } from "./png-folder.ts";
export type { LoadPngFolderOptions } from "./png-folder.ts";
export { fromIndices, splitDataset } from "./split.ts";
export type { SplitOptions } from "./split.ts";
export { takeEvenly } from "./take-evenly.ts";
export { fitStandardization, standardize } from "./standardize.ts";
export type { Standardization } from "./standardize.ts";
