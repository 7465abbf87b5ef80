/** A small fetch wrapper for the serve tests: JSON or float32 bodies, the answer as JSON or float32. */
import type { Float32Tensor } from "@aelab/core";

export interface PostOptions {
  /** A JSON document, or float32 values sent as application/octet-stream. */
  body: unknown;
  contentType?: string;
  accept?: string;
  token?: string;
  query?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
  floats?: Float32Array;
}

export function octets(x: Float32Array): Buffer {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
}

export async function post(url: string, path: string, options: PostOptions): Promise<Reply> {
  const binary = options.body instanceof Float32Array || Buffer.isBuffer(options.body);
  const bytes = options.body instanceof Float32Array ? octets(options.body) : Buffer.isBuffer(options.body) ? options.body : undefined;
  const body = bytes ? new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength) : JSON.stringify(options.body);
  const headers: Record<string, string> = { "content-type": options.contentType ?? (binary ? "application/octet-stream" : "application/json") };
  if (options.accept) headers.accept = options.accept;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${url}${path}${options.query ? `?${options.query}` : ""}`, { method: "POST", headers, body });
  return read(res);
}

export async function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return read(await fetch(`${url}${path}`, { headers }));
}

async function read(res: Response): Promise<Reply> {
  const buffer = Buffer.from(await res.arrayBuffer());
  if (res.headers.get("content-type") === "application/octet-stream") {
    const floats = new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
    return { status: res.status, headers: res.headers, json: {}, floats };
  }
  return { status: res.status, headers: res.headers, json: JSON.parse(buffer.toString("utf8")) as Reply["json"] };
}

/** Rows of samples [n][d] from a batch tensor. */
export function rowsOf(t: Float32Tensor): number[][] {
  const d = t.data.length / t.shape[0];
  return Array.from({ length: t.shape[0] }, (_, i) => Array.from(t.data.subarray(i * d, (i + 1) * d)));
}

/** Max |a − b| over nested number lists and typed arrays of the same length. */
export function maxDiff(a: unknown, b: ArrayLike<number>): number {
  const flat = Array.isArray(a) ? (a.flat(Infinity) as number[]) : Array.from(a as ArrayLike<number>);
  if (flat.length !== b.length) throw new Error(`lengths differ: ${flat.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < flat.length; i++) m = Math.max(m, Math.abs(flat[i] - b[i]));
  return m;
}
