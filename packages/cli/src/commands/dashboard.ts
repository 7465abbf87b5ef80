import { AelabError, ErrorCode } from "@aelab/core";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliContext } from "../context.ts";

export interface DashboardFlags {
  port: number;
  host: string;
  rebuild?: boolean;
}

const appDir = fileURLToPath(new URL("../../../../apps/dashboard", import.meta.url));

function nextBin(): string {
  try {
    return createRequire(join(appDir, "package.json")).resolve("next/dist/bin/next");
  } catch (cause) {
    throw new AelabError(ErrorCode.Internal, `The dashboard's Next.js is not installed; run \`npm install\` at the repository root. Received: ${appDir}`, {
      cause,
    });
  }
}

function run(args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [nextBin(), ...args], { cwd: appDir, env, stdio: "inherit" });
    const stop = () => child.kill("SIGTERM");
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      signal.removeEventListener("abort", stop);
      resolvePromise(code ?? (sig ? 0 : 1));
    });
  });
}

function requireFreePort(host: string, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(new AelabError(ErrorCode.InvalidInput, `Cannot serve on ${host}:${port}; pick another --port. Received: ${error.code ?? error.message}`)),
    );
    probe.listen(port, host, () => probe.close(() => resolvePromise()));
  });
}

/** Serves the dashboard (Next.js) on 127.0.0.1, building it first when needed. */
export async function dashboardCommand(flags: DashboardFlags, ctx: CliContext): Promise<number> {
  if (!Number.isInteger(flags.port) || flags.port < 1 || flags.port > 65_535) {
    throw new AelabError(ErrorCode.InvalidInput, `--port must be an integer in 1–65535. Received: ${String(flags.port)}`);
  }
  await requireFreePort(flags.host, flags.port);
  const env = { ...process.env, AELAB_DB: ctx.db, NEXT_TELEMETRY_DISABLED: "1" };
  if (flags.rebuild || !existsSync(join(appDir, ".next", "BUILD_ID"))) {
    ctx.err("Building the dashboard (first time only, about a minute)…");
    const code = await run(["build"], env, ctx.signal);
    if (code !== 0) return code;
  }
  ctx.err(`Dashboard for ${ctx.db} at http://${flags.host}:${flags.port}  (Ctrl-C stops it)`);
  return run(["start", "--hostname", flags.host, "--port", String(flags.port)], env, ctx.signal);
}
