/**
 * `startServer` against real files: a dense autoencoder trained for one epoch
 * on 2,000 real MNIST digits (tfjs-wasm), exported with @aelab/onnx, served on
 * an ephemeral port. Every answer is compared with onnxruntime-node run
 * directly on the same files and with the tfjs-wasm model.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOnnxModel, type OnnxFileHandler } from "@aelab/backend-onnxruntime";
import { Random, mean, perSampleBce, perSampleMse, sliceBatch, type Float32Tensor } from "@aelab/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.ts";
import { get, maxDiff, post, rowsOf } from "./testing/http-client.ts";
import { trainAndExport, type TrainedModel } from "./testing/trained-model.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-serve-"));
let dense: TrainedModel;
let server: RunningServer;
const direct: Record<string, OnnxFileHandler> = {};

beforeAll(async () => {
  dense = await trainAndExport({ preset: "dense", hiddenSize: 32, dir });
  server = await startServer({ files: [dense.files.encoder, dense.files.decoder, dense.files.full], port: 0, maxBatch: 64 });
  for (const part of ["encoder", "full"] as const) direct[part] = await loadOnnxModel(dense.files[part]);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await Promise.all(Object.values(direct).map((h) => h.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

/** Digits as integer pixels 0–255, the server's "unit" input, and what the model sees after dividing by 255. */
function pixels(x: Float32Tensor): { raw: Float32Array; scaled: Float32Tensor } {
  const raw = x.data.map((v) => Math.round(v * 255));
  return { raw, scaled: { data: raw.map((v) => v / 255), shape: x.shape } };
}

describe("startServer on a real dense autoencoder", () => {
  it("answers /healthz and /metadata", async () => {
    expect((await get(server.url, "/healthz")).json).toEqual({ status: "ok" });
    const { status, json } = await get(server.url, "/metadata");
    expect(status).toBe(200);
    expect(json).toMatchObject({
      model: "dense-h32",
      loss: "bce",
      input: { shape: [28, 28, 1], layout: "nhwc", scaling: "unit" },
      code: { shape: [32] },
      onnx: { opset: 17, irVersion: 8 },
      limits: { maxBatch: 64, maxBodyBytes: 16 * 1024 * 1024, maxInflight: 64 },
      endpoints: { "/v1/encode": ["encoder"], "/v1/decode": ["decoder"], "/v1/reconstruct": ["full"], "/v1/score": ["full"] },
    });
    expect(json.weightsSha256).toMatch(/^[0-9a-f]{64}$/);
    const parts = json.parts as Record<string, { selfTest: { passed: boolean; maxAbsDiff: number } }>;
    expect(Object.keys(parts)).toEqual(["encoder", "decoder", "full"]);
    for (const p of Object.values(parts)) expect(p.selfTest).toMatchObject({ passed: true, samples: 2 });
    expect(server.endpoints).toEqual(["GET /healthz", "GET /metadata", "POST /v1/encode", "POST /v1/decode", "POST /v1/reconstruct", "POST /v1/score"]);
  });

  it("encodes one real digit sent as JSON 0–255 pixels: the code onnxruntime and tfjs compute for it", async () => {
    const digit = sliceBatch(dense.validation, 0, 1);
    const { raw, scaled } = pixels(digit);
    const reply = await post(server.url, "/v1/encode", { body: { inputs: [Array.from(raw)] } });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ model: "dense-h32", parts: ["encoder"], batch: 1, shapes: { code: [1, 32] } });
    expect(reply.json.input).toMatchObject({ format: "json", scaling: "unit" });
    const code = (reply.json.outputs as Record<string, number[][]>).code;
    expect(maxDiff(code, (await direct.encoder.run(scaled)).data)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(code, (await dense.reference.encode(scaled)).data)).toBeLessThanOrEqual(1e-5);
    const timing = reply.json.timing_ms as Record<string, number>;
    expect(timing.total).toBeGreaterThanOrEqual(timing.inference);
  });

  it("encodes 7 digits sent as octet-stream already in [0, 1], as JSON or as float32", async () => {
    const x = sliceBatch(dense.validation, 10, 17);
    const expected = (await direct.encoder.run(x)).data;
    const json = await post(server.url, "/v1/encode", { body: x.data });
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ batch: 7, shapes: { code: [7, 32] }, input: { format: "octet-stream" } });
    expect(maxDiff((json.json.outputs as Record<string, number[][]>).code, expected)).toBeLessThanOrEqual(1e-5);
    const binary = await post(server.url, "/v1/encode", { body: x.data, accept: "application/octet-stream" });
    expect(binary.headers.get("x-aelab-shape")).toBe("7,32");
    expect(binary.headers.get("x-aelab-output")).toBe("code");
    expect(maxDiff(binary.floats, expected)).toBe(0);
  });

  it("reconstructs 7 digits nested as [28,28,1]; the error of real digits is far below that of noise", async () => {
    const x = sliceBatch(dense.validation, 20, 27);
    const nested = rowsOf(x).map((s) => Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => [s[r * 28 + c]])));
    const reply = await post(server.url, "/v1/reconstruct", { body: { inputs: nested } });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ parts: ["full"], shapes: { reconstruction: [7, 28, 28, 1] } });
    const reconstruction = (reply.json.outputs as Record<string, number[][]>).reconstruction;
    expect(maxDiff(reconstruction, (await direct.full.run(x)).data)).toBeLessThanOrEqual(1e-5);
    expect(maxDiff(reconstruction, (await dense.reference.reconstruct(x)).data)).toBeLessThanOrEqual(1e-5);
    const digitMse = mean(perSampleMse(x, { data: Float32Array.from(reconstruction.flat()), shape: x.shape }));
    const rng = new Random(3);
    const noise = { data: Float32Array.from({ length: 7 * 784 }, () => rng.next()), shape: [7, 28, 28, 1] };
    const noiseReply = await post(server.url, "/v1/score", { body: noise.data, query: "metric=mse" });
    const noiseMse = mean((noiseReply.json.outputs as Record<string, number[]>).score);
    console.log(`dense-h32 after 1 epoch: reconstruction MSE of 7 real digits ${digitMse.toFixed(4)}, of uniform noise ${noiseMse.toFixed(4)}`);
    expect(digitMse).toBeLessThan(0.06);
    expect(noiseMse).toBeGreaterThan(4 * digitMse);
  });

  it("scores per sample with the spec's loss (BCE) by default and MSE on request, as core computes them", async () => {
    const x = sliceBatch(dense.validation, 30, 37);
    const reconstruction = await direct.full.run(x);
    const bce = await post(server.url, "/v1/score", { body: { inputs: rowsOf(x) } });
    expect(bce.status).toBe(200);
    expect(bce.json).toMatchObject({ metric: "bce", parts: ["full"], shapes: { score: [7] } });
    expect(maxDiff((bce.json.outputs as Record<string, number[]>).score, perSampleBce(x, reconstruction))).toBeLessThanOrEqual(1e-5);
    const mse = await post(server.url, "/v1/score", { body: { inputs: rowsOf(x), metric: "mse" } });
    expect(mse.json.metric).toBe("mse");
    expect(maxDiff((mse.json.outputs as Record<string, number[]>).score, perSampleMse(x, reconstruction))).toBeLessThanOrEqual(1e-5);
    const binary = await post(server.url, "/v1/score", { body: x.data, query: "metric=mse", accept: "application/octet-stream" });
    expect(binary.headers.get("x-aelab-shape")).toBe("7");
    expect(maxDiff(binary.floats, perSampleMse(x, reconstruction))).toBe(0);
  });

  it("decodes codes, and takes already-scaled input with scaled=true", async () => {
    const x = sliceBatch(dense.validation, 40, 41);
    const code = await direct.encoder.run(x);
    const decoded = await post(server.url, "/v1/decode", { body: { inputs: rowsOf(code) } });
    expect(decoded.json).toMatchObject({ parts: ["decoder"], shapes: { reconstruction: [1, 28, 28, 1] } });
    expect(maxDiff((decoded.json.outputs as Record<string, number[][]>).reconstruction, (await dense.reference.decode(code)).data)).toBeLessThanOrEqual(1e-5);
    // 0–255 pixels marked as scaled reach the model unchanged (and give another code than the same pixels scaled).
    const { raw } = pixels(x);
    const asIs = await post(server.url, "/v1/encode", { body: { inputs: [Array.from(raw)], scaled: true } });
    expect(asIs.json.input).toMatchObject({ scaling: "none (scaled=true)" });
    expect(
      maxDiff((asIs.json.outputs as Record<string, number[][]>).code, (await direct.encoder.run({ data: raw, shape: [1, 28, 28, 1] })).data),
    ).toBeLessThanOrEqual(1e-5);
    const viaQuery = await post(server.url, "/v1/encode", { body: raw, query: "scaled=true" });
    expect(viaQuery.json.outputs).toEqual(asIs.json.outputs);
    const scaled = await post(server.url, "/v1/encode", { body: raw });
    expect(maxDiff((scaled.json.outputs as Record<string, number[][]>).code, (await direct.encoder.run(pixels(x).scaled)).data)).toBeLessThanOrEqual(1e-5);
    expect(scaled.json.outputs).not.toEqual(asIs.json.outputs);
  });

  it("answers 32 concurrent requests of different digits, endpoints and formats, each correctly", async () => {
    const jobs = Array.from({ length: 32 }, async (_, i) => {
      const x = sliceBatch(dense.validation, 50 + i * 3, 50 + i * 3 + 1 + (i % 3));
      const path = ["/v1/encode", "/v1/reconstruct", "/v1/score"][i % 3];
      const reply = await post(server.url, path, { body: i % 2 ? x.data : { inputs: rowsOf(x) }, query: path === "/v1/score" ? "metric=mse" : undefined });
      const got = Object.values(reply.json.outputs as Record<string, number[]>)[0];
      const expected =
        path === "/v1/encode"
          ? (await direct.encoder.run(x)).data
          : path === "/v1/reconstruct"
            ? (await direct.full.run(x)).data
            : perSampleMse(x, await direct.full.run(x));
      return { status: reply.status, diff: maxDiff(got, expected) };
    });
    const results = await Promise.all(jobs);
    expect(results.map((r) => r.status)).toEqual(new Array(32).fill(200));
    expect(Math.max(...results.map((r) => r.diff))).toBeLessThanOrEqual(1e-5);
  });
});

describe("close()", () => {
  it("finishes a request in flight, then refuses connections and releases the sessions", async () => {
    const s = await startServer({ files: [dense.files.encoder], port: 0 });
    const x = sliceBatch(dense.validation, 5, 6);
    const body = Buffer.from(JSON.stringify({ inputs: rowsOf(x) }));
    const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${s.url}/v1/encode`, { method: "POST", headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      // Half the body now, the rest after close() has begun.
      req.write(body.subarray(0, 100));
      setTimeout(() => req.end(body.subarray(100)), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = s.close();
    const { status, text } = await reply;
    await closing;
    expect(status).toBe(200);
    expect(maxDiff((JSON.parse(text) as { outputs: { code: number[][] } }).outputs.code, (await direct.encoder.run(x)).data)).toBeLessThanOrEqual(1e-5);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    await expect(s.model.encode(x)).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });
  });
});
