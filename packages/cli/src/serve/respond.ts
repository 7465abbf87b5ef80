/**
 * Writes answers: JSON by default, or the raw little-endian float32 values of
 * one output when the client sends `Accept: application/octet-stream`; and
 * every error as JSON `{"error": {"code", "message"}}` with its status.
 */
import type { ServerResponse } from "node:http";
import { endianness } from "node:os";
import { shapeSize, type Float32Tensor } from "@aelab/core";
import type { Answer } from "./endpoints.ts";
import { errorAnswer, type ErrorAnswer } from "./http-errors.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): ErrorAnswer {
  const answer = errorAnswer(error);
  if (res.headersSent) {
    res.destroy();
    return answer;
  }
  sendJson(res, answer.status, answer.body, answer.headers);
  return answer;
}

/** One list per sample (flat, in the model's layout; `shapes` says how to fold it), or a plain list for per-sample scalars. */
function rows(t: Float32Tensor): number[] | number[][] {
  if (t.shape.length === 1) return Array.from(t.data);
  const d = shapeSize(t.shape.slice(1));
  return Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * d, (i + 1) * d)));
}

export function wantsOctets(accept: string | undefined): boolean {
  return accept !== undefined && /(^|,)\s*application\/octet-stream\s*(;|,|$)/i.test(accept);
}

function littleEndian(data: Float32Array): Buffer {
  if (endianness() === "LE") return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(data.length * 4);
  data.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
}

export interface SendAnswerOptions {
  model: string;
  accept: string | undefined;
  /** performance.now() when the request arrived. */
  started: number;
}

export function sendAnswer(res: ServerResponse, answer: Answer, options: SendAnswerOptions): void {
  const names = Object.keys(answer.outputs);
  const batch = answer.outputs[names[0]].shape[0];
  const timing = { parse: answer.timing.parse, inference: answer.timing.inference, total: performance.now() - options.started };
  const timingHeader = `parse=${timing.parse.toFixed(3)}, inference=${timing.inference.toFixed(3)}, total=${timing.total.toFixed(3)}`;
  if (wantsOctets(options.accept)) {
    const [name] = names;
    const out = answer.outputs[name];
    const body = littleEndian(out.data);
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": body.length,
      "x-aelab-output": name,
      "x-aelab-shape": out.shape.join(","),
      "x-aelab-parts": answer.parts.join(","),
      "x-aelab-timing-ms": timingHeader,
    });
    res.end(body);
    return;
  }
  sendJson(res, 200, {
    model: options.model,
    parts: answer.parts,
    batch,
    ...answer.extra,
    outputs: Object.fromEntries(names.map((n) => [n, rows(answer.outputs[n])])),
    shapes: Object.fromEntries(names.map((n) => [n, answer.outputs[n].shape])),
    timing_ms: timing,
  });
}
