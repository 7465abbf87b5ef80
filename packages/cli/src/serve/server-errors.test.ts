/**
 * Bad requests against a real server: each gets its 4xx with a JSON
 * `{error: {code, message}}` in the Keras style, and the server answers the
 * next real digit correctly. Also the bearer token and missing parts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOnnxModel, type OnnxFileHandler } from "@aelab/backend-onnxruntime";
import { sliceBatch } from "@aelab/core";
import { loadMnist } from "@aelab/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "./server.ts";
import { get, maxDiff, octets, post, rowsOf, type PostOptions } from "./testing/http-client.ts";
import { trainAndExport, type TrainedModel } from "./testing/trained-model.ts";

const dir = mkdtempSync(join(tmpdir(), "aelab-serve-errors-"));
const TOKEN = "s3cret-token-for-tests";
let dense: TrainedModel;
let server: RunningServer;
let guarded: RunningServer;
let encoder: OnnxFileHandler;

beforeAll(async () => {
  dense = await trainAndExport({ preset: "dense", hiddenSize: 16, dir, metadata: { "aelab.run_id": "run-1234" } });
  server = await startServer({ files: [dense.files.encoder, dense.files.full], port: 0, maxBatch: 16, maxBodyBytes: 256 * 1024 });
  guarded = await startServer({ files: [dense.files.encoder], port: 0, token: TOKEN });
  encoder = await loadOnnxModel(dense.files.encoder);
}, 120_000);
afterAll(async () => {
  await Promise.all([server?.close(), guarded?.close(), encoder?.dispose()]);
  rmSync(dir, { recursive: true, force: true });
});

/** The server still answers a real digit with the right code. */
async function expectStillServing(target = server, token?: string): Promise<void> {
  const x = sliceBatch(dense.validation, 3, 4);
  const reply = await post(target.url, "/v1/encode", { body: { inputs: rowsOf(x) }, token });
  expect(reply.status).toBe(200);
  expect(maxDiff((reply.json.outputs as Record<string, number[][]>).code, (await encoder.run(x)).data)).toBeLessThanOrEqual(1e-5);
}

/** A real digit (a 3), in [0, 1]. */
const DIGIT = Array.from(loadMnist().images.data.subarray(3300 * 784, 3301 * 784));
const digit = () => DIGIT;

describe("bad requests get a 4xx and the server keeps serving", () => {
  const cases: [string, string, PostOptions, number, string, RegExp][] = [
    [
      "malformed JSON",
      "/v1/encode",
      { body: Buffer.from('{"inputs": [[0, 1,'), contentType: "application/json" },
      400,
      "MALFORMED_BODY",
      /the body is not valid JSON\. Received: /,
    ],
    [
      "NaN in JSON",
      "/v1/encode",
      { body: Buffer.from(`{"inputs": [[NaN${", 0".repeat(783)}]]}`), contentType: "application/json" },
      400,
      "MALFORMED_BODY",
      /JSON cannot carry NaN or Infinity/,
    ],
    [
      "a sample one value short",
      "/v1/encode",
      { body: { inputs: [digit().slice(1)] } },
      422,
      "INVALID_INPUT",
      /inputs\[0\]: expected a flat list of 784 numbers or a list nested as \[28,28,1\]\. Received: a list of 783 numbers$/,
    ],
    [
      "a string among the values",
      "/v1/encode",
      { body: { inputs: [[...digit().slice(1), "0"]] } },
      422,
      "INVALID_INPUT",
      /inputs\[0\]\[783\]: expected a number\. Received: the string "0"$/,
    ],
    [
      "one sample not wrapped in a list",
      "/v1/encode",
      { body: { inputs: digit() } },
      422,
      "INVALID_INPUT",
      /wrap one sample in a list.*Received: a list of 784 numbers$/,
    ],
    ["no inputs", "/v1/score", { body: { input: [digit()] } }, 422, "INVALID_INPUT", /takes "inputs", "scaled", "metric"\. Received: unknown field "input"$/],
    [
      "values outside the unit rule",
      "/v1/encode",
      { body: { inputs: [[300, ...digit().slice(1)]] } },
      422,
      "INVALID_INPUT",
      /expects each sample's values in \[0, 1\], or integers in \[0, 255\].*Received: sample 0 with min=0, max=300$/,
    ],
    [
      "octets that are not whole samples",
      "/v1/reconstruct",
      { body: Buffer.alloc(3135) },
      422,
      "INVALID_INPUT",
      /a multiple of 3136 bytes.*Received: 3135 bytes$/,
    ],
    [
      "NaN in octet-stream",
      "/v1/encode",
      { body: Float32Array.from({ length: 2 * 784 }, (_, i) => (i === 784 + 5 ? Number.NaN : 0)) },
      422,
      "INVALID_INPUT",
      /Received: NaN at value 5 of sample 1$/,
    ],
    [
      "Infinity in octet-stream",
      "/v1/score",
      { body: Float32Array.from({ length: 784 }, (_, i) => (i === 9 ? -Infinity : 0)) },
      422,
      "INVALID_INPUT",
      /Received: -Infinity at value 9 of sample 0$/,
    ],
    [
      "a body over --max-body-bytes",
      "/v1/encode",
      { body: new Float32Array(100 * 784) },
      413,
      "PAYLOAD_TOO_LARGE",
      /at most 262144 bytes \(--max-body-bytes\)\. Received: Content-Length 313600$/,
    ],
    [
      "a batch over --max-batch",
      "/v1/encode",
      { body: new Float32Array(17 * 784) },
      413,
      "BATCH_TOO_LARGE",
      /at most 16 samples per request \(--max-batch\)\. Received: 17 samples$/,
    ],
    ["an empty batch", "/v1/encode", { body: { inputs: [] } }, 422, "INVALID_INPUT", /needs at least one sample\. Received: an empty batch$/],
    ["text/plain", "/v1/encode", { body: Buffer.from("0,1,2"), contentType: "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE", /Received: "text\/plain"$/],
    [
      "an unknown query parameter",
      "/v1/encode",
      { body: { inputs: [digit()] }, query: "scale=true" },
      400,
      "INVALID_QUERY",
      /takes the query parameters scaled, output\. Received: "scale"$/,
    ],
    ["a bad metric", "/v1/score", { body: { inputs: [digit()] }, query: "metric=mae" }, 400, "INVALID_QUERY", /metric must be mse or bce\. Received: "mae"$/],
    [
      "an unknown path",
      "/v1/embed",
      { body: { inputs: [digit()] } },
      404,
      "NOT_FOUND",
      /No such endpoint; this server has .*\/v1\/encode.*Received: POST \/v1\/embed$/,
    ],
    [
      "a missing part",
      "/v1/decode",
      { body: { inputs: [new Array(16).fill(0)] } },
      404,
      "PART_NOT_LOADED",
      /needs the decoder of dense-h16; restart aelab serve with the decoder file too \(`aelab export run-1234 --part decoder`.*Received: parts encoder, full$/,
    ],
  ];
  it.each(cases)("%s", async (_name, path, options, status, code, message) => {
    const reply = await post(server.url, path, options);
    expect(reply.status).toBe(status);
    expect(reply.json.error?.code).toBe(code);
    expect(reply.json.error?.message).toMatch(message);
    expect(Object.keys(reply.json)).toEqual(["error"]);
    await expectStillServing();
  });

  it("a wrong method gets 405 with Allow", async () => {
    const reply = await get(server.url, "/v1/encode");
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("POST");
    expect(reply.json.error?.message).toMatch(/\/v1\/encode takes POST\. Received: GET$/);
    expect((await fetch(`${server.url}/metadata`, { method: "DELETE" })).status).toBe(405);
    await expectStillServing();
  });

  it("a streamed body over the limit (no Content-Length) is cut off with 413", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/encode`, { method: "POST", headers: { "content-type": "application/octet-stream" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? resolve(-1) : reject(error)));
      for (let i = 0; i < 100; i++) req.write(octets(new Float32Array(784)));
      req.end();
    });
    expect([413, -1]).toContain(status);
    await expectStillServing();
  });
});

describe("the bearer token", () => {
  it("401 with WWW-Authenticate: Bearer without a token, with a wrong one, or with another scheme", async () => {
    const body = { inputs: [digit()] };
    const none = await post(guarded.url, "/v1/encode", { body });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="aelab"');
    expect(none.json.error).toEqual({
      code: "UNAUTHORIZED",
      message: expect.stringMatching(/Authorization: Bearer <token>.*Received: no Authorization header$/),
    });
    const wrong = await post(guarded.url, "/v1/encode", { body, token: `${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBe('Bearer realm="aelab", error="invalid_token"');
    expect(wrong.json.error?.message).toMatch(/Received: a bearer token that does not match$/);
    const basic = await get(guarded.url, "/metadata", { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}` });
    expect(basic.status).toBe(401);
    expect(basic.json.error?.message).toMatch(/Received: an Authorization header of scheme "Basic"$/);
    expect((await get(guarded.url, "/metadata")).status).toBe(401);
    await expectStillServing(guarded, TOKEN);
  });

  it("lets the right token through, and /healthz needs none", async () => {
    expect((await get(guarded.url, "/healthz")).status).toBe(200);
    expect((await get(guarded.url, "/metadata", { authorization: `Bearer ${TOKEN}` })).json.model).toBe("dense-h16");
    const reply = await post(guarded.url, "/v1/reconstruct", { body: { inputs: [digit()] }, token: TOKEN });
    expect(reply.status).toBe(404);
    expect(reply.json.error?.message).toMatch(/needs the full, or encoder \+ decoder of dense-h16; restart aelab serve with the full file too/);
  });
});
