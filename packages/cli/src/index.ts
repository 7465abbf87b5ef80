/** @aelab/cli: the `aelab` command (see bin/aelab.js). */
export { main } from "./main.ts";
export { EXIT, exitCodeFor } from "./exit-codes.ts";
export { startServer } from "./serve/server.ts";
export type { RunningServer } from "./serve/server.ts";
export { SERVE_DEFAULTS } from "./serve/serve-options.ts";
export type { ServeOptions } from "./serve/serve-options.ts";
