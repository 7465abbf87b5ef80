/** `aelab serve <file.onnx|folder...>`: the HTTP inference server (see ../serve/server.ts and the package README). */
import type { CliContext } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { parseIntegerFlag, SERVE_DEFAULTS, type ServeOptions } from "../serve/serve-options.ts";
import { startServer } from "../serve/server.ts";

export interface ServeFlags {
  host: string;
  port: string;
  threads?: string;
  maxBatch?: string;
  maxBodyBytes?: string;
  maxInflight?: string;
  token?: string;
  selfTest: boolean;
  log?: boolean;
}

function optionalInt(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parseIntegerFlag(value, flag);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

export async function serveCommand(files: string[], flags: ServeFlags, ctx: CliContext): Promise<number> {
  const token = flags.token ?? (process.env.AELAB_SERVE_TOKEN || undefined);
  const options: ServeOptions = {
    files,
    host: flags.host,
    port: parseIntegerFlag(flags.port, "--port"),
    threads: optionalInt(flags.threads, "--threads"),
    maxBatch: optionalInt(flags.maxBatch, "--max-batch"),
    maxBodyBytes: optionalInt(flags.maxBodyBytes, "--max-body-bytes"),
    maxInflight: optionalInt(flags.maxInflight, "--max-inflight"),
    token,
    selfTest: flags.selfTest,
    log: flags.log ? ctx.err : undefined,
  };
  const server = await startServer(options);
  const { model } = server;
  const parts = Object.keys(model.parts).join(", ");
  const run = model.runName ? `; run ${model.runName}` : "";
  ctx.out(`Serving ${model.name} (${parts}; weights ${model.weightsSha256.slice(0, 12)}${run}) at ${server.url}`);
  for (const endpoint of server.endpoints) {
    const [method, path] = endpoint.split(" ");
    ctx.out(`  ${method.padEnd(4)} ${server.url}${path}`);
  }
  for (const [part, p] of Object.entries(model.parts)) {
    const test = p.selfTest;
    ctx.out(
      test
        ? `  self-test ${part}: ${test.samples} samples, max |onnxruntime − exporter| ${test.maxAbsDiff.toExponential(2)} ≤ ${test.tolerance}`
        : `  self-test ${part}: ${flags.selfTest ? "none stored in the file" : "skipped (--no-self-test)"}`,
    );
  }
  ctx.out(`  input ${JSON.stringify(model.inputShape)} ${model.layout}, scaling ${JSON.stringify(model.scaling)}; auth ${token ? "bearer token" : "none"}`);
  if (!token && !isLoopback(server.host)) ctx.err(`warning: ${server.host} without --token: anyone who can reach port ${server.port} can use the model.`);
  ctx.out("Ctrl-C stops it.");
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  ctx.err("Server stopped.");
  return EXIT.ok;
}

export const SERVE_DEFAULT_PORT = String(SERVE_DEFAULTS.port);
