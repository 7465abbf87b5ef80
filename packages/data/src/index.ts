/** @aelab/data: dataset loaders and the seeded split. */
export type { Dataset, Split } from "./dataset.ts";
export { loadMnist } from "./mnist.ts";
export { loadIdx } from "./idx.ts";
export type { LoadIdxOptions } from "./idx.ts";
export { loadNpy } from "./npy.ts";
export type { LoadNpyOptions } from "./npy.ts";
export { loadCsv } from "./csv.ts";
export type { LoadCsvOptions } from "./csv.ts";
export { fromIndices, splitDataset } from "./split.ts";
