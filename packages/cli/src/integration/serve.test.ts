/**
 * `aelab serve` end to end: `aelab train` a dense model on 2,000 real MNIST
 * digits, `aelab export` its encoder and full model (with their self-tests),
 * then the real binary serves the folder; bad flags exit 2.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { loadMnist } from "@aelab/data";
import { createTracker } from "@aelab/tracking";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, maxDiff, post } from "../serve/testing/http-client.ts";
import { BIN, runCli } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-serve-cli-"));
const db = join(dir, "aelab.db");
const onnxDir = join(dir, "onnx");
const TOKEN = "integration-token-1";
let runId: string;

beforeAll(async () => {
  writeFileSync(
    join(dir, "dense.yaml"),
    [
      "name: serve-dense",
      "experiment: serve",
      "model: { preset: dense, hiddenSize: 32, loss: bce }",
      "training: { epochs: 1, batchSize: 64, optimizer: { name: adam, learningRate: 0.005 }, backend: tfjs-wasm }",
      "data: { source: mnist, limit: 2000, validationFraction: 0.1, seed: 7 }",
    ].join("\n"),
  );
  const common = ["--db", db, "--artifacts", join(dir, "artifacts")];
  const trained = await runCli([...common, "train", "dense.yaml"], { cwd: dir });
  if (trained.code !== 0) throw new Error(`aelab train exited ${trained.code}: ${trained.stderr}`);
  const tracker = await createTracker({ url: `file:${db}` });
  try {
    runId = (await tracker.listRuns()).runs[0].id;
  } finally {
    await tracker.close();
  }
  const exported = await runCli([...common, "export", runId, "--part", "encoder", "--part", "full", "--out", onnxDir], { cwd: dir });
  if (exported.code !== 0) throw new Error(`aelab export exited ${exported.code}: ${exported.stderr}`);
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `aelab serve …` and resolves once it prints its URL. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], { cwd: dir, env: { ...process.env, CI: "true", ...env } });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aelab serve printed no URL in 60 s: ${stdout} ${stderr}`)), 60_000);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const url = /^Serving .* at (http:\/\/\S+)$/m.exec(stdout)?.[1];
      if (url && stdout.includes("Ctrl-C stops it.")) {
        clearTimeout(timer);
        resolve({ child, url, stdout: () => stdout, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => reject(new Error(`aelab serve exited ${code} before serving: ${stderr}`)));
  });
}

describe("aelab serve", () => {
  it("serves an exported folder, prints its URL and endpoints, answers, logs, and stops on SIGINT", async () => {
    const served = await serve([onnxDir, "--port", "0", "--log", "--threads", "1"], { AELAB_SERVE_TOKEN: TOKEN });
    try {
      expect(served.stdout()).toMatch(/^Serving dense-h32 \(encoder, full; weights [0-9a-f]{12}; run serve-dense\) at http:\/\/127\.0\.0\.1:\d+$/m);
      expect(served.stdout()).toContain(`POST ${served.url}/v1/encode`);
      expect(served.stdout()).toContain(`POST ${served.url}/v1/score`);
      expect(served.stdout()).not.toContain("/v1/decode");
      expect(served.stdout()).toMatch(/self-test encoder: 2 samples, max \|onnxruntime − exporter\| \S+ ≤ 0\.0001/);
      expect(served.stdout()).toContain("auth bearer token");
      expect((await get(served.url, "/healthz")).json).toEqual({ status: "ok" });
      expect((await get(served.url, "/metadata")).status).toBe(401);
      const metadata = (await get(served.url, "/metadata", { authorization: `Bearer ${TOKEN}` })).json;
      expect(metadata).toMatchObject({ model: "dense-h32", runName: "serve-dense", runId, parts: { encoder: { selfTest: { passed: true, samples: 2 } } } });
      const digit = loadMnist().images.data.slice(7000 * 784, 7001 * 784);
      const reply = await post(served.url, "/v1/encode", { body: digit, token: TOKEN });
      expect(reply.status).toBe(200);
      const encoder = await loadOnnxModel(join(onnxDir, `serve-dense-${runId}-encoder.onnx`));
      const expected = await encoder.run({ data: digit, shape: [1, 28, 28, 1] });
      await encoder.dispose();
      expect(maxDiff((reply.json.outputs as Record<string, number[][]>).code, expected.data)).toBeLessThanOrEqual(1e-5);
      expect(served.stderr()).toMatch(/ POST \/v1\/encode 200 batch=1 [\d.]+ms$/m);
      expect(served.stderr()).toMatch(/ GET \/metadata 401 [\d.]+ms$/m);
    } finally {
      served.child.kill("SIGINT");
    }
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain("Server stopped.");
  }, 120_000);

  it("exits 2 on bad flags and a taken port, and 3 on a missing file", async () => {
    const cases: [string[], number, RegExp][] = [
      [[onnxDir, "--port", "http"], 2, /--port must be an integer\. Received: "http"/],
      [[onnxDir, "--port", "65536"], 2, /--port must be an integer from 0 to 65535\. Received: 65536/],
      [[onnxDir, "--max-batch", "0"], 2, /--max-batch must be an integer from 1 to 1000000\. Received: 0/],
      [[onnxDir, "--token", "abc"], 2, /--token \(or \$AELAB_SERVE_TOKEN\) must be at least 8 characters/],
      [[onnxDir, "--bogus"], 2, /unknown option '--bogus'/],
      [[join(dir, "missing.onnx")], 3, /Received: .*missing\.onnx \(no such file\)/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(["serve", ...args], { cwd: dir, timeoutMs: 60_000 });
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toMatch(message);
    }
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(["serve", onnxDir, "--port", String(port)], { cwd: dir, timeoutMs: 60_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`Cannot serve on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      blocker.close();
    }
  }, 180_000);
});
