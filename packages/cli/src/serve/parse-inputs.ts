/**
 * Turns a request body into a float32 batch of the model's sample shape:
 * - `application/json`: `{"inputs": [sample, …], …fields}`, each sample a flat
 *   list of numbers or a list nested exactly as the sample shape;
 * - `application/octet-stream`: little-endian float32 values, samples one after
 *   another; the batch is the byte length divided by 4 × the sample size.
 * Every failure is a `ServeError` saying what was expected and what was received.
 */
import { formatShape, shapeSize, type Float32Tensor } from "@aelab/core";
import { ServeError, ServeErrorCode } from "./http-errors.ts";

export interface ParseInputsOptions {
  /** One sample's shape. */
  sampleShape: readonly number[];
  maxBatch: number;
  /** Names the request in messages, e.g. "POST /v1/encode". */
  what: string;
  /** JSON fields allowed beside `inputs`, e.g. ["scaled", "metric"]. */
  fields: readonly string[];
}

export interface ParsedInputs {
  x: Float32Tensor;
  format: "json" | "octet-stream";
  /** The other JSON fields that were given (only names from `options.fields`). */
  fields: Record<string, unknown>;
}

const invalid = (message: string) => new ServeError(ServeErrorCode.InvalidInput, message);

function describe(v: unknown): string {
  if (Array.isArray(v)) return v.every((e) => typeof e === "number") ? `a list of ${v.length} numbers` : `a list of ${v.length} items`;
  if (v === null) return "null";
  return typeof v === "string" ? `the string ${JSON.stringify(v.slice(0, 40))}` : typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function checkBatchSize(n: number, options: ParseInputsOptions): void {
  if (n === 0) throw invalid(`${options.what} needs at least one sample. Received: an empty batch`);
  if (n > options.maxBatch) {
    throw new ServeError(
      ServeErrorCode.BatchTooLarge,
      `${options.what} takes at most ${options.maxBatch} samples per request (--max-batch). Received: ${n} samples`,
    );
  }
}

function finite(v: number, where: string, what: string): number {
  if (!Number.isFinite(v)) throw invalid(`${what} ${where}: expected a finite number. Received: ${v}`);
  return v;
}

/** Copies a sample nested as `shape` into `out` at `offset`; returns the next offset. */
function fillNested(v: unknown, shape: readonly number[], out: Float32Array, offset: number, where: string, what: string): number {
  if (shape.length === 0) {
    if (typeof v !== "number") throw invalid(`${what} ${where}: expected a number. Received: ${describe(v)}`);
    out[offset] = finite(v, where, what);
    return offset + 1;
  }
  if (!Array.isArray(v) || v.length !== shape[0]) {
    throw invalid(`${what} ${where}: expected a list of ${shape[0]} (nesting ${formatShape(shape)}). Received: ${describe(v)}`);
  }
  let next = offset;
  for (let i = 0; i < v.length; i++) next = fillNested(v[i], shape.slice(1), out, next, `${where}[${i}]`, what);
  return next;
}

function fillSample(v: unknown, index: number, options: ParseInputsOptions, out: Float32Array): void {
  const { sampleShape, what } = options;
  const d = shapeSize(sampleShape);
  const where = `inputs[${index}]`;
  const flat = Array.isArray(v) && v.length === d && (sampleShape.length === 1 || typeof v[0] === "number");
  if (!flat) {
    if (!Array.isArray(v) || (v.length !== sampleShape[0] && typeof v[0] === "number") || sampleShape.length === 1) {
      throw invalid(`${what} ${where}: expected a flat list of ${d} numbers or a list nested as ${formatShape(sampleShape)}. Received: ${describe(v)}`);
    }
    fillNested(v, sampleShape, out, index * d, where, what);
    return;
  }
  for (let j = 0; j < d; j++) {
    const e = (v as unknown[])[j];
    if (typeof e !== "number") throw invalid(`${what} ${where}[${j}]: expected a number. Received: ${describe(e)}`);
    out[index * d + j] = finite(e, `${where}[${j}]`, what);
  }
}

function parseJson(body: Buffer, options: ParseInputsOptions): ParsedInputs {
  const { what, sampleShape } = options;
  const text = body.toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const hint = /\b(NaN|-?Infinity)\b/.test(text) ? " JSON cannot carry NaN or Infinity, and the model takes finite values only." : "";
    throw new ServeError(ServeErrorCode.MalformedBody, `${what}: the body is not valid JSON.${hint} Received: ${(cause as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw invalid(`${what}: expected a JSON object {"inputs": [[…${shapeSize(sampleShape)} numbers…], …]}. Received: ${describe(doc)}`);
  }
  const { inputs, ...rest } = doc as Record<string, unknown>;
  const unknown = Object.keys(rest).filter((k) => !options.fields.includes(k));
  if (unknown.length > 0) {
    throw invalid(
      `${what}: the JSON body takes "inputs"${options.fields.map((f) => `, "${f}"`).join("")}. Received: unknown field ${JSON.stringify(unknown[0])}`,
    );
  }
  if (!Array.isArray(inputs)) throw invalid(`${what}: "inputs" must be a list of samples. Received: ${inputs === undefined ? "no inputs" : describe(inputs)}`);
  if (inputs.length > 0 && typeof inputs[0] === "number") {
    throw invalid(`${what}: "inputs" must be a list of samples; wrap one sample in a list: {"inputs": [[…]]}. Received: a list of ${inputs.length} numbers`);
  }
  checkBatchSize(inputs.length, options);
  const d = shapeSize(sampleShape);
  const data = new Float32Array(inputs.length * d);
  inputs.forEach((sample, i) => fillSample(sample, i, options, data));
  return { x: { data, shape: [inputs.length, ...sampleShape] }, format: "json", fields: rest };
}

function parseOctets(body: Buffer, options: ParseInputsOptions): ParsedInputs {
  const { what, sampleShape } = options;
  const d = shapeSize(sampleShape);
  if (body.length === 0 || body.length % (4 * d) !== 0) {
    throw invalid(
      `${what}: an application/octet-stream body must be whole samples of ${d} little-endian float32 values (a multiple of ${4 * d} bytes, sample shape ${formatShape(sampleShape)}). ` +
        `Received: ${body.length} bytes`,
    );
  }
  const n = body.length / (4 * d);
  checkBatchSize(n, options);
  const data = new Float32Array(n * d);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let i = 0; i < data.length; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw invalid(`${what}: expected finite float32 values. Received: ${v} at value ${i % d} of sample ${Math.floor(i / d)}`);
    data[i] = v;
  }
  return { x: { data, shape: [n, ...sampleShape] }, format: "octet-stream", fields: {} };
}

/** The media type without parameters, lower-cased: "application/json; charset=utf-8" → "application/json". */
export function mediaType(header: string | undefined): string | undefined {
  return header?.split(";")[0].trim().toLowerCase() || undefined;
}

/** Refuses (415) a Content-Type other than JSON or octet-stream; checked before the body is read. */
export function checkContentType(contentType: string | undefined, what: string): "application/json" | "application/octet-stream" {
  const type = mediaType(contentType);
  if (type === "application/json" || type === "application/octet-stream") return type;
  throw new ServeError(
    ServeErrorCode.UnsupportedMediaType,
    `${what} takes Content-Type application/json or application/octet-stream (little-endian float32). Received: ${contentType === undefined ? "no Content-Type" : JSON.stringify(contentType)}`,
  );
}

export function parseInputs(body: Buffer, contentType: string | undefined, options: ParseInputsOptions): ParsedInputs {
  return checkContentType(contentType, options.what) === "application/json" ? parseJson(body, options) : parseOctets(body, options);
}
