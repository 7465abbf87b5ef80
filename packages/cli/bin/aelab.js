#!/usr/bin/env node
// The `aelab` command. Workspace packages ship TypeScript source, so the CLI
// registers tsx's loader before importing its entry point.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv);
