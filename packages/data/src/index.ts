/** @aelab/data: dataset loaders and the seeded split. */
export type { Dataset, Split } from "./dataset.ts";
export { loadMnist } from "./mnist.ts";
export { fromIndices, splitDataset } from "./split.ts";
