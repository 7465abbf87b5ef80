/** Starts the built dashboard (`next start`) on a free 127.0.0.1 port over a given database, and stops its process group. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";

export interface StartedApp {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startApp(appDir: string, db: string): Promise<StartedApp> {
  if (!existsSync(path.join(appDir, ".next", "BUILD_ID")))
    throw new Error(`Expected a built dashboard in ${appDir}/.next: run \`npm run build -w @aelab/dashboard\` first.`);
  const nextBin = path.join(path.dirname(createRequire(path.join(appDir, "package.json")).resolve("next/package.json")), "dist", "bin", "next");
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", AELAB_DB: db },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    process.kill(-child.pid, "SIGTERM");
    await new Promise<void>((resolve) => child.once("exit", () => resolve()));
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(10_000) })).status < 500) return { url, stop };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not serve ${url} in 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
