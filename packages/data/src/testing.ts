/**
 * @aelab/data/testing: writers for small IDX, NPY, CSV and PNG files in a temp
 * folder, and an assertion for INVALID_DATA errors, for tests in this and other packages.
 */
export { expectDataError, floatBytes, gzip, idxBytes, npyBytes, tempDir } from "./internal/test-files.ts";
export { pngjsBytes, rawPngBytes } from "./internal/test-png.ts";
