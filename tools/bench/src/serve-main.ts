/**
 * `npm run bench -- --suite serve`: requests per second of `aelab serve` under
 * a local load generator (wrk, Debian package `wrk`), against the bare
 * onnxruntime-node session that serves them, for the exported `dense` (h32) and
 * `seed-conv` encoders at batch 1.
 *
 *   npm run bench -- --suite serve [--duration 10] [--connections 1,8] [--presets dense,seed-conv]
 *
 * The server is the real CLI (`node packages/cli/bin/aelab.js serve <file>`),
 * started as a child process with `--threads 1`, so the figure includes HTTP,
 * parsing and scaling. The files are exported by @aelab/onnx from the preset's
 * seeded initial weights (throughput does not depend on training), with a
 * self-test computed by tfjs-cpu, as `aelab export` stores one. wrk runs on the
 * same 2 cores as the server: the figures are what one machine does, load
 * generator included.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { createTfjsBackend } from "@aelab/backend-tfjs";
import { initializeWeights, presetSpec, sliceBatch, type Float32Tensor } from "@aelab/core";
import { loadMnist } from "@aelab/data";
import { exportOnnx } from "@aelab/onnx";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = join(ROOT, "packages/cli/bin/aelab.js");
const PRESETS = ["dense", "seed-conv"] as const;

function fail(message: string): never {
  process.stderr.write(`aelab-bench --suite serve: ${message}\n`);
  process.exit(2);
}

const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((a, i, all) => a !== "--suite" && all[i - 1] !== "--suite" && !a.startsWith("--suite=")),
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "1,8" },
    presets: { type: "string", default: PRESETS.join(",") },
  },
  strict: true,
});
const duration = Number(flags.duration);
if (!Number.isInteger(duration) || duration < 1 || duration > 600) fail(`--duration must be whole seconds in 1..600. Received: ${flags.duration}`);
const connections = flags.connections.split(",").map(Number);
if (connections.some((c) => !Number.isInteger(c) || c < 1 || c > 256)) fail(`--connections must list integers in 1..256. Received: ${flags.connections}`);
const presets = flags.presets.split(",");
for (const p of presets) if (!(PRESETS as readonly string[]).includes(p)) fail(`--presets must be from ${PRESETS.join(", ")}. Received: ${p}`);
if (spawnSync("wrk", ["--version"]).error) fail("needs the load generator wrk (apt-get install wrk). Received: wrk not found on PATH");

const dir = mkdtempSync(join(tmpdir(), "aelab-serve-bench-"));
const digits = loadMnist({ limit: 10_000 });
const digit = sliceBatch(digits.images, 9_000, 9_001);

/** The encoder file of a preset, with a tfjs-cpu self-test on two digits. */
async function encoderFile(preset: string): Promise<string> {
  const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: preset === "dense" ? 32 : 784 });
  const weights = initializeWeights(spec, 1);
  const backend = createTfjsBackend("cpu");
  await backend.init();
  const model = await backend.createModel({ spec, weights });
  const input = sliceBatch(digits.images, 9_000, 9_002);
  const output = await model.encode(input);
  await model.dispose();
  const file = join(dir, `${preset}-encoder.onnx`);
  writeFileSync(file, await exportOnnx({ spec, weights, part: "encoder", selfTest: { input, output } }));
  return file;
}

/** Bare session: `run()` on one digit in an await loop, as many as fit in the duration. */
async function bareRunsPerSecond(file: string, x: Float32Tensor): Promise<number> {
  const handler = await loadOnnxModel(file, { threads: 1 });
  try {
    const until = (ms: number) => performance.now() + ms;
    for (const end = until(1000); performance.now() < end;) await handler.run(x);
    let n = 0;
    const start = performance.now();
    for (const end = start + duration * 1000; performance.now() < end; n++) await handler.run(x);
    return (n * 1000) / (performance.now() - start);
  } finally {
    await handler.dispose();
  }
}

function startServe(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, "serve", file, "--port", "0", "--threads", "1"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((done, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) done({ child, url: m[1] });
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`aelab serve exited ${code}: ${err || out}`)));
  });
}

/** wrk's Requests/sec and its latency percentiles for one body. */
function wrk(url: string, c: number, body: { file: string; contentType: string; accept: string }): { rps: number; p50: string; p99: string } {
  const script = join(dir, "post.lua");
  writeFileSync(
    script,
    [
      `wrk.method = "POST"`,
      `local f = io.open(${JSON.stringify(body.file)}, "rb"); wrk.body = f:read("*all"); f:close()`,
      `wrk.headers["Content-Type"] = ${JSON.stringify(body.contentType)}`,
      `wrk.headers["Accept"] = ${JSON.stringify(body.accept)}`,
      `done = function(summary, latency, requests)`,
      `  io.write(string.format("P50 %d\\nP99 %d\\nERRORS %d\\n", latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))`,
      `end`,
    ].join("\n"),
  );
  const r = spawnSync("wrk", [`-t${Math.min(2, c)}`, `-c${c}`, `-d${duration}s`, "-s", script, `${url}/v1/encode`], { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const errors = Number(/ERRORS (\d+)/.exec(r.stdout)?.[1]);
  if (!Number.isFinite(rps) || errors !== 0) throw new Error(`wrk failed or saw ${errors} errors: ${r.stdout}${r.stderr}`);
  const us = (key: string) => `${(Number(new RegExp(`${key} (\\d+)`).exec(r.stdout)?.[1]) / 1000).toFixed(2)} ms`;
  return { rps, p50: us("P50"), p99: us("P99") };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const started = new Date().toISOString();
const load0 = loadavg()[0];
const rows: string[] = [];
try {
  const jsonBody = join(dir, "digit.json");
  writeFileSync(jsonBody, JSON.stringify({ inputs: [Array.from(digit.data, (v) => Math.round(v * 255))] }));
  const binBody = join(dir, "digit.bin");
  writeFileSync(binBody, new Uint8Array(digit.data.buffer, digit.data.byteOffset, digit.data.byteLength));
  for (const preset of presets) {
    const file = await encoderFile(preset);
    process.stderr.write(`${preset}: bare session…\n`);
    const bare = await bareRunsPerSecond(file, digit);
    const server = await startServe(file);
    try {
      for (const c of connections) {
        for (const [format, body] of [
          ["JSON", { file: jsonBody, contentType: "application/json", accept: "application/json" }],
          ["float32", { file: binBody, contentType: "application/octet-stream", accept: "application/octet-stream" }],
        ] as const) {
          process.stderr.write(`${preset}: wrk -c${c} ${format}…\n`);
          const w = wrk(server.url, c, body);
          rows.push(`| ${preset} encoder | ${format} | ${c} | ${fmt(w.rps)} | ${w.p50} | ${w.p99} | ${fmt(bare)} | ${(w.rps / bare).toFixed(2)}× |`);
        }
      }
    } finally {
      server.child.kill("SIGINT");
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  [
    `### aelab serve under wrk (${started})`,
    "",
    `Batch 1 (one digit per request), \`--threads 1\`, ${duration} s per row, wrk on the same 2 cores; load average ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end.`,
    "",
    "| model | body | connections | server req/s | p50 | p99 | bare session runs/s | server ÷ bare |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
  ].join("\n"),
);
