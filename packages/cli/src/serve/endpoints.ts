/**
 * The inference endpoints: which parts each needs, which query parameters and
 * JSON fields it takes, and how it turns a parsed batch into named outputs.
 * Raw inputs go through the model's recorded input scaling (core's
 * `scaleInput`) unless the caller says they are already scaled.
 */
import { perSampleBce, perSampleMse, scaleInput, shapeSize, unitRange, type Float32Tensor, type ScoreMetric } from "@aelab/core";
import type { OnnxPart } from "@aelab/onnx";
import { ServeError, ServeErrorCode } from "./http-errors.ts";
import { parseInputs } from "./parse-inputs.ts";
import type { ServedModel } from "./served-model.ts";

export type EndpointPath = "/v1/encode" | "/v1/decode" | "/v1/reconstruct" | "/v1/score";

export interface Answer {
  /** The parts that computed this answer, e.g. ["encoder", "decoder"]. */
  parts: OnnxPart[];
  outputs: Record<string, Float32Tensor>;
  /** Extra response fields: the input's format and scaling, the score metric. */
  extra: Record<string, unknown>;
  timing: { parse: number; inference: number };
}

interface Endpoint {
  /** Alternatives: the endpoint works with any one of these sets of parts. */
  needs: OnnxPart[][];
  /** The model's input (scaled, `scaled` allowed) or a code (no scaling). */
  takes: "input" | "code";
  /** Query parameters and JSON fields beside `inputs`. */
  options: string[];
  run(model: ServedModel, x: Float32Tensor, options: Record<string, unknown>, what: string): Promise<Record<string, Float32Tensor>>;
}

const flatShape = (t: Float32Array): Float32Tensor => ({ data: t, shape: [t.length] });

async function score(model: ServedModel, x: Float32Tensor, options: Record<string, unknown>, what: string): Promise<Record<string, Float32Tensor>> {
  const metric = (options.metric ?? model.spec.loss) as ScoreMetric;
  if (metric === "bce" && unitRange(x.data).kind !== "unit") {
    let [min, max] = [Infinity, -Infinity];
    for (const v of x.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
    throw new ServeError(
      ServeErrorCode.InvalidInput,
      `${what}: metric=bce needs model inputs in [0, 1] (binary cross-entropy targets); use metric=mse. Received: model inputs from ${min} to ${max}`,
    );
  }
  const reconstruction = await model.reconstruct(x);
  return { score: flatShape(metric === "bce" ? perSampleBce(x, reconstruction) : perSampleMse(x, reconstruction)) };
}

export const ENDPOINTS: Record<EndpointPath, Endpoint> = {
  "/v1/encode": { needs: [["encoder"]], takes: "input", options: ["scaled", "output"], run: (m, x) => m.encode(x) },
  "/v1/decode": { needs: [["decoder"]], takes: "code", options: ["output"], run: async (m, x) => ({ reconstruction: await m.decode(x) }) },
  "/v1/reconstruct": {
    needs: [["full"], ["encoder", "decoder"]],
    takes: "input",
    options: ["scaled", "output"],
    run: async (m, x) => ({ reconstruction: await m.reconstruct(x) }),
  },
  "/v1/score": { needs: [["full"], ["encoder", "decoder"]], takes: "input", options: ["scaled", "metric", "output"], run: score },
};

export function isEndpoint(path: string): path is EndpointPath {
  return Object.hasOwn(ENDPOINTS, path);
}

/** The parts that will answer `path`, or a 404 saying which file to pass. */
export function partsFor(model: ServedModel, path: EndpointPath): OnnxPart[] {
  const found = ENDPOINTS[path].needs.find((set) => set.every((p) => model.parts[p]));
  if (found) return found;
  const loaded = Object.keys(model.parts).join(", ");
  const wanted = ENDPOINTS[path].needs.map((set) => set.join(" + ")).join(", or ");
  const run = model.runId ?? "<run>";
  const missing = ENDPOINTS[path].needs.map((set) => set.filter((p) => !model.parts[p])).sort((a, b) => a.length - b.length)[0];
  throw new ServeError(
    ServeErrorCode.PartNotLoaded,
    `POST ${path} needs the ${wanted} of ${model.name}; restart aelab serve with the ${missing.join(" and ")} file too ` +
      `(\`aelab export ${run} --part ${missing.join(" --part ")}\` writes it). Received: parts ${loaded}`,
  );
}

function bool(value: unknown, name: string, what: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ServeError(ServeErrorCode.InvalidQuery, `${what}: ${name} must be true or false. Received: ${JSON.stringify(value)}`);
}

/** Query parameters and JSON fields, merged; the same option given both ways must agree. */
function readOptions(endpoint: Endpoint, query: URLSearchParams, fields: Record<string, unknown>, what: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    if (!endpoint.options.includes(key)) {
      throw new ServeError(ServeErrorCode.InvalidQuery, `${what} takes the query parameters ${endpoint.options.join(", ")}. Received: ${JSON.stringify(key)}`);
    }
    options[key] = query.get(key);
  }
  for (const [key, value] of Object.entries(fields)) {
    if (key in options && String(options[key]) !== String(value)) {
      throw new ServeError(
        ServeErrorCode.InvalidQuery,
        `${what}: ${key} is given twice with different values. Received: ${options[key]} and ${JSON.stringify(value)}`,
      );
    }
    options[key] = value;
  }
  options.scaled = bool(options.scaled, "scaled", what);
  if (options.metric !== undefined && options.metric !== "mse" && options.metric !== "bce") {
    throw new ServeError(ServeErrorCode.InvalidQuery, `${what}: metric must be mse or bce. Received: ${JSON.stringify(options.metric)}`);
  }
  return options;
}

function pickOutputs(outputs: Record<string, Float32Tensor>, output: unknown, what: string): Record<string, Float32Tensor> {
  if (output === undefined) return outputs;
  if (typeof output !== "string" || !Object.hasOwn(outputs, output)) {
    throw new ServeError(ServeErrorCode.InvalidQuery, `${what}: output must be one of ${Object.keys(outputs).join(", ")}. Received: ${JSON.stringify(output)}`);
  }
  return { [output]: outputs[output] };
}

export interface AnswerRequest {
  model: ServedModel;
  path: EndpointPath;
  body: Buffer;
  contentType: string | undefined;
  query: URLSearchParams;
  maxBatch: number;
}

/** Parses, scales and runs one request. */
export async function answer(request: AnswerRequest): Promise<Answer> {
  const { model, path } = request;
  const what = `POST ${path}`;
  const endpoint = ENDPOINTS[path];
  const parts = partsFor(model, path);
  const started = performance.now();
  const sampleShape = endpoint.takes === "code" ? model.codeShape : model.inputShape;
  const fields = endpoint.options.filter((o) => o !== "output");
  const parsed = parseInputs(request.body, request.contentType, { sampleShape, maxBatch: request.maxBatch, what, fields });
  const options = readOptions(endpoint, request.query, parsed.fields, what);
  let x = parsed.x;
  let scaling: unknown = "none (a code)";
  if (endpoint.takes === "input") {
    scaling = options.scaled ? "none (scaled=true)" : typeof model.scaling === "string" ? model.scaling : model.scaling.type;
    if (!options.scaled) x = scaleInput(x, model.scaling, { channelAxis: model.layout === "nchw" ? "first" : "last", what: `${what} inputs` });
  }
  const parsedAt = performance.now();
  const outputs = pickOutputs(await endpoint.run(model, x, options, what), options.output, what);
  const extra: Record<string, unknown> = { input: { format: parsed.format, scaling, sampleShape: [...sampleShape], values: shapeSize(sampleShape) } };
  if (path === "/v1/score") extra.metric = options.metric ?? model.spec.loss;
  return { parts, outputs, extra, timing: { parse: parsedAt - started, inference: performance.now() - parsedAt } };
}
