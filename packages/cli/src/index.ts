/** @aelab/cli: the `aelab` command (see bin/aelab.js). */
export { main } from "./main.ts";
export { EXIT, exitCodeFor } from "./exit-codes.ts";
