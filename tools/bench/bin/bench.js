#!/usr/bin/env node
import { register } from "tsx/esm/api";

register();
// `--suite tracking` runs the tracking bench (src/tracking-main.ts), `--suite serve` the `aelab serve` load test
// (src/serve-main.ts); `--suite backends` or no --suite, the backend bench.
const at = process.argv.findIndex((a) => a === "--suite" || a.startsWith("--suite="));
const suite = at === -1 ? "backends" : process.argv[at].includes("=") ? process.argv[at].split("=")[1] : process.argv[at + 1];
if (suite === "tracking") {
  await import("../src/tracking-main.ts");
} else if (suite === "serve") {
  await import("../src/serve-main.ts");
} else if (suite === "backends") {
  if (at !== -1) process.argv.splice(at, process.argv[at].includes("=") ? 1 : 2);
  await import("../src/main.ts");
} else {
  process.stderr.write(`aelab-bench: --suite must be backends, tracking or serve. Received: --suite ${suite}\n`);
  process.exit(2);
}
