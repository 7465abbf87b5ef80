/**
 * What `aelab serve` agrees to serve, on real exported files: a VAE trained on
 * real MNIST digits (encoder + decoder, or a folder), NCHW and standardised
 * inputs, and the refusals: files of two models, a part twice, a file that is
 * not an aelab export, a failing self-test, a taken port, bad options.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOnnxModel } from "@aelab/backend-onnxruntime";
import { initializeWeights, presetSpec, sliceBatch, type AutoencoderSpec } from "@aelab/core";
import { exportOnnx } from "@aelab/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "./server.ts";
import { get, maxDiff, post, rowsOf } from "./testing/http-client.ts";
import { stripMetadata } from "./testing/strip-metadata.ts";
import { trainAndExport, type TrainedModel } from "./testing/trained-model.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-served-model-"));
let vae: TrainedModel;

beforeAll(async () => {
  mkdirSync(join(dir, "vae"));
  vae = await trainAndExport({ preset: "vae", hiddenSize: 8, dir: join(dir, "vae") });
}, 120_000);
afterAll(async () => {
  await vae?.reference.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("a VAE trained on real digits", () => {
  it("encodes to the mean and the log-variance, and reconstructs through encoder + decoder", async () => {
    const server = await startServer({ files: [vae.files.encoder, vae.files.decoder], port: 0 });
    const encoder = await loadOnnxModel(vae.files.encoder);
    try {
      const x = sliceBatch(vae.validation, 0, 7);
      const reply = await post(server.url, "/v1/encode", { body: { inputs: rowsOf(x) } });
      expect(reply.json).toMatchObject({ parts: ["encoder"], shapes: { code: [7, 8], code_logvar: [7, 8] } });
      const outputs = reply.json.outputs as Record<string, number[][]>;
      const both = await encoder.runAll(x);
      expect(maxDiff(outputs.code, both.code.data)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(outputs.code_logvar, both.code_logvar.data)).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(outputs.code, (await vae.reference.encode(x)).data)).toBeLessThanOrEqual(1e-5);
      // The log-variance is its own output, not a copy of the mean.
      expect(maxDiff(outputs.code, both.code_logvar.data)).toBeGreaterThan(0.01);
      const logvar = await post(server.url, "/v1/encode", { body: x.data, query: "output=code_logvar", accept: "application/octet-stream" });
      expect(logvar.headers.get("x-aelab-output")).toBe("code_logvar");
      expect(maxDiff(logvar.floats, both.code_logvar.data)).toBe(0);
      const recon = await post(server.url, "/v1/reconstruct", { body: x.data });
      expect(recon.json.parts).toEqual(["encoder", "decoder"]);
      expect(maxDiff((recon.json.outputs as Record<string, number[][]>).reconstruction, (await vae.reference.reconstruct(x)).data)).toBeLessThanOrEqual(1e-5);
      expect((await get(server.url, "/metadata")).json).toMatchObject({ variational: true, endpoints: { "/v1/score": ["encoder", "decoder"] } });
      const bad = await post(server.url, "/v1/encode", { body: x.data, query: "output=sample" });
      expect(bad.json.error?.message).toMatch(/output must be one of code, code_logvar\. Received: "sample"$/);
    } finally {
      await Promise.all([server.close(), encoder.dispose()]);
    }
  });

  it("serves a folder of exported parts", async () => {
    const server = await startServer({ files: [join(dir, "vae")], port: 0, selfTest: false });
    try {
      expect(Object.keys(server.model.parts)).toEqual(["encoder", "decoder", "full"]);
      expect(server.model.parts.full?.selfTest).toBeUndefined();
      const x = sliceBatch(vae.validation, 9, 10);
      const reply = await post(server.url, "/v1/reconstruct", { body: x.data });
      expect(reply.json.parts).toEqual(["full"]);
      expect(maxDiff((reply.json.outputs as Record<string, number[][]>).reconstruction, (await vae.reference.reconstruct(x)).data)).toBeLessThanOrEqual(1e-5);
    } finally {
      await server.close();
    }
  });
});

describe("scaling and layout", () => {
  it("standardises raw NCHW input per channel (first axis) before the model sees it", async () => {
    const base = presetSpec("dense", { inputShape: [4, 4, 3], hiddenSize: 5, loss: "mse" });
    const scaling = { type: "standardize" as const, mean: [10, 20, 30], std: [2, 4, 8] };
    const spec: AutoencoderSpec = { ...base, input: { shape: [4, 4, 3], scaling } };
    const file = join(dir, "rgb-nchw-full.onnx");
    writeFileSync(file, await exportOnnx({ spec, weights: initializeWeights(spec, 3), part: "full", layout: "nchw" }));
    const server = await startServer({ files: [file], port: 0 });
    const direct = await loadOnnxModel(file);
    try {
      const raw = Float32Array.from({ length: 2 * 48 }, (_, i) => (i * 7) % 40);
      const standardised = raw.map((v, i) => {
        const c = Math.floor((i % 48) / 16);
        return (v - scaling.mean[c]) / scaling.std[c];
      });
      const reply = await post(server.url, "/v1/reconstruct", { body: raw });
      expect(reply.json).toMatchObject({ shapes: { reconstruction: [2, 3, 4, 4] }, input: { scaling: "standardize", sampleShape: [3, 4, 4] } });
      const expected = (await direct.run({ data: standardised, shape: [2, 3, 4, 4] })).data;
      expect(maxDiff((reply.json.outputs as Record<string, number[][]>).reconstruction, expected)).toBeLessThanOrEqual(1e-5);
      const bce = await post(server.url, "/v1/score", { body: raw, query: "metric=bce" });
      expect(bce.status).toBe(422);
      expect(bce.json.error?.message).toMatch(/metric=bce needs model inputs in \[0, 1\].*Received: model inputs from -5 to/);
    } finally {
      await Promise.all([server.close(), direct.dispose()]);
    }
  });
});

describe("refusals", () => {
  const refusal = (files: string[], code: string, message: RegExp) =>
    expect(startServer({ files, port: 0 })).rejects.toMatchObject({ code, message: expect.stringMatching(message) });

  it("files of two models, a part given twice, or a folder holding two models", async () => {
    const other = join(dir, "other-encoder.onnx");
    writeFileSync(other, await exportOnnx({ spec: vae.spec, weights: initializeWeights(vae.spec, 99), part: "encoder" }));
    await refusal(
      [vae.files.decoder, other],
      "INVALID_INPUT",
      /every file must be a part of the same export \(equal aelab\.weights_sha256\).*Received: vae-h8 \(weights [0-9a-f]{12}: decoder .*\); vae-h8 \(weights [0-9a-f]{12}: encoder .*other-encoder\.onnx\)$/,
    );
    const twin = join(dir, "twin-encoder.onnx");
    copyFileSync(vae.files.encoder, twin);
    await refusal([vae.files.encoder, twin], "INVALID_INPUT", /Each part may be served once\. Received: two encoder files, .* and .*twin-encoder\.onnx$/);
    mkdirSync(join(dir, "mixed"));
    copyFileSync(vae.files.full, join(dir, "mixed", "a-full.onnx"));
    copyFileSync(other, join(dir, "mixed", "b-encoder.onnx"));
    await refusal([join(dir, "mixed")], "INVALID_INPUT", /serves one model/);
  });

  it("a file that is not an aelab export, not ONNX at all, or not there", async () => {
    const foreign = join(dir, "foreign.onnx");
    writeFileSync(foreign, stripMetadata(readFileSync(vae.files.full)));
    await refusal([foreign], "INVALID_INPUT", /needs files written by `aelab export`.*Received: .*foreign\.onnx from producer "aelab" with no aelab\.format$/);
    const junk = join(dir, "junk.onnx");
    writeFileSync(junk, Buffer.from("not a model at all"));
    await refusal([junk], "INVALID_INPUT", /junk\.onnx is not a readable ONNX model\. Received: /);
    await refusal([join(dir, "nope.onnx")], "NOT_FOUND", /Received: .*nope\.onnx \(no such file\)$/);
    mkdirSync(join(dir, "empty"));
    await refusal([join(dir, "empty")], "NOT_FOUND", /holds no \.onnx file/);
  });

  it("a file whose stored self-test fails, unless selfTest is false", async () => {
    const x = sliceBatch(vae.validation, 0, 2);
    const wrong = await vae.reference.reconstruct(x);
    wrong.data[10] += 0.01;
    const file = join(dir, "tampered-full.onnx");
    writeFileSync(file, await exportOnnx({ spec: vae.spec, weights: vae.weights, part: "full", selfTest: { input: x, output: wrong } }));
    await refusal([file], "EXPORT_PARITY", /the stored self-test fails under onnxruntime-node.*Received: max \|difference\| 1\.00e-2 > 0\.0001 on 2 samples$/);
    const server = await startServer({ files: [file], port: 0, selfTest: false });
    await server.close();
  });

  it("a taken port and bad options, with the flag's name", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startServer({ files: [vae.files.full], port })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(new RegExp(`Cannot serve on 127\\.0\\.0\\.1:${port}: the port is already in use.*Received: EADDRINUSE$`)),
      });
    } finally {
      blocker.close();
    }
    const bad = (options: object, message: RegExp) => expect(startServer({ files: [vae.files.full], ...options })).rejects.toThrow(message);
    await bad({ port: 70_000 }, /^--port must be an integer from 0 to 65535\. Received: 70000$/);
    await bad({ maxBatch: 0 }, /^--max-batch must be an integer from 1 to 1000000\. Received: 0$/);
    await bad({ threads: 1.5 }, /^--threads must be an integer from 1 to 256\. Received: 1\.5$/);
    await bad({ maxBodyBytes: 10 }, /^--max-body-bytes must be an integer from 1024/);
    await bad({ token: "short" }, /^--token \(or \$AELAB_SERVE_TOKEN\) must be at least 8 characters with no spaces\. Received: 5 characters$/);
    await bad({ host: "" }, /^--host must be an interface address/);
  });
});
