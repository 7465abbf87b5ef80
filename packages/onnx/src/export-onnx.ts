/**
 * `exportOnnx`: an autoencoder spec plus neutral weights → ONNX ModelProto
 * bytes, in pure TypeScript (Node and browsers). See `ONNX_COMPATIBILITY` for
 * what is emitted, and `padding.ts` for how TF.js padding maps to explicit pads.
 */
import {
  AelabError,
  ErrorCode,
  formatShape,
  hashWeights,
  inferShapes,
  validateWeights,
  type AutoencoderSpec,
  type Float32Tensor,
  type LayerSpec,
  type NeutralWeights,
} from "@aelab/core";
import pkg from "../package.json" with { type: "json" };
import { ONNX_COMPATIBILITY, type OnnxLayout, type OnnxPart } from "./compatibility.ts";
import { buildGraph } from "./internal/build-graph.ts";
import { encodeModel } from "./internal/proto.ts";
import { AELAB_ONNX_FORMAT, EXPORTER_KEYS, METADATA_KEYS, encodeInputScaling, encodeSelfTest, type OnnxSelfTest } from "./metadata.ts";

export interface ExportOnnxOptions {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  part: OnnxPart;
  /** I/O layout of image tensors. Default "nhwc": exactly the trained model's channels-last tensors. */
  layout?: OnnxLayout;
  /** Extra metadata_props (e.g. `aelab.run_id`); they may not use the exporter's own `METADATA_KEYS`. */
  metadata?: Record<string, string>;
  /** A fixed input and its expected output, in the exported I/O layout, stored for `aelab serve` to check. */
  selfTest?: OnnxSelfTest;
  /** Must equal `ONNX_COMPATIBILITY.opset` when given. */
  opset?: number;
  /** Must equal `ONNX_COMPATIBILITY.irVersion` when given. */
  irVersion?: number;
}

/** The exporter's version, recorded as `aelab.version`. */
export const AELAB_ONNX_VERSION: string = pkg.version;

function unsupported(message: string, received: string): never {
  throw new AelabError(ErrorCode.ExportUnsupported, `${message}. Received: ${received}`, { details: { compatibility: ONNX_COMPATIBILITY } });
}

function checkAgainstTable(options: ExportOnnxOptions): void {
  const t = ONNX_COMPATIBILITY;
  if (!(t.parts as readonly string[]).includes(options.part))
    unsupported(`ONNX export part must be one of ${t.parts.join(", ")}`, `part=${JSON.stringify(options.part)}`);
  const layout = options.layout ?? "nhwc";
  if (!(t.layouts as readonly string[]).includes(layout))
    unsupported(`ONNX export layout must be one of ${t.layouts.join(", ")}`, `layout=${JSON.stringify(layout)}`);
  if (options.opset !== undefined && options.opset !== t.opset)
    unsupported(`The exporter writes opset ${t.opset} only (see ONNX_COMPATIBILITY)`, `opset=${options.opset}`);
  if (options.irVersion !== undefined && options.irVersion !== t.irVersion)
    unsupported(`The exporter writes IR version ${t.irVersion} only (see ONNX_COMPATIBILITY)`, `irVersion=${options.irVersion}`);
  const problems = onnxSupport(options.spec).missing;
  if (problems.length > 0) throw new AelabError(ErrorCode.ExportUnsupported, problems[0], { details: { problems, compatibility: ONNX_COMPATIBILITY } });
}

function checkFinite(weights: NeutralWeights): void {
  for (const t of weights.tensors) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new AelabError(ErrorCode.InvalidInput, `Weights must be finite to export. Received: ${t.name}[${bad}]=${t.data[bad]}`);
  }
}

function checkSelfTest(selfTest: OnnxSelfTest, inputShape: number[], outputShape: number[]): void {
  const check = (what: string, t: Float32Tensor, sample: number[]) => {
    const ok = t.shape.length === sample.length + 1 && sample.every((d, i) => d === t.shape[i + 1]) && t.data.length === t.shape.reduce((a, b) => a * b, 1);
    if (!ok)
      throw new AelabError(
        ErrorCode.InvalidInput,
        `selfTest.${what} must have shape [batch,${sample.join(",")}] in the exported layout. Received: shape ${formatShape(t.shape)} with ${t.data.length} values`,
      );
    if (!t.shape[0] || t.data.some((v) => !Number.isFinite(v)))
      throw new AelabError(ErrorCode.InvalidInput, `selfTest.${what} must hold at least one sample of finite values. Received: shape ${formatShape(t.shape)}`);
  };
  check("input", selfTest.input, inputShape);
  check("output", selfTest.output, outputShape);
  if (selfTest.input.shape[0] !== selfTest.output.shape[0]) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `selfTest input and output must have the same batch size. Received: ${selfTest.input.shape[0]} and ${selfTest.output.shape[0]}`,
    );
  }
}

/**
 * Whether every layer and activation of `spec` is in `ONNX_COMPATIBILITY`, with
 * one Keras-style reason per problem (for a backend's `supports()`).
 */
export function onnxSupport(spec: AutoencoderSpec): { ok: boolean; missing: string[] } {
  const t = ONNX_COMPATIBILITY;
  const missing: string[] = [];
  const layers: [string, LayerSpec][] = [
    ...spec.encoder.map((l, i): [string, LayerSpec] => [`encoder.${i}`, l]),
    ...spec.decoder.map((l, i): [string, LayerSpec] => [`decoder.${i}`, l]),
  ];
  for (const [id, layer] of layers) {
    const type: string = layer.type;
    if (!Object.hasOwn(t.layers, type)) {
      missing.push(`Layer ${id} cannot be exported to ONNX; supported layers are ${Object.keys(t.layers).join(", ")}. Received: type=${JSON.stringify(type)}`);
      continue;
    }
    const activation: unknown = "activation" in layer ? layer.activation : "linear";
    if (typeof activation !== "string" || !Object.hasOwn(t.activations, activation)) {
      missing.push(
        `Layer ${id} has an activation ONNX export does not support; supported are ${Object.keys(t.activations).join(", ")}. Received: activation=${JSON.stringify(activation)}`,
      );
    }
  }
  return { ok: missing.length === 0, missing };
}

/**
 * Exports the encoder, the decoder or the full autoencoder as ONNX bytes
 * (IR 8, opset 17, dynamic batch axis "batch", explicit pads). Dropout is
 * left out (it is the identity at inference). A variational autoencoder's
 * encoder has two outputs, `code` (the mean) and `code_logvar`; its full model
 * decodes the mean (see `ONNX_COMPATIBILITY.variational`).
 *
 * @example
 * const bytes = await exportOnnx({ spec, weights, part: "full" });
 * await writeFile("model.onnx", bytes);
 */
export async function exportOnnx(options: ExportOnnxOptions): Promise<Uint8Array> {
  checkAgainstTable(options);
  const { spec, weights, part } = options;
  const layout = options.layout ?? "nhwc";
  const shapes = inferShapes(spec);
  validateWeights(spec, weights);
  checkFinite(weights);
  const reserved = Object.keys(options.metadata ?? {}).filter((k) => EXPORTER_KEYS.has(k));
  if (reserved.length > 0)
    throw new AelabError(
      ErrorCode.InvalidInput,
      `Metadata keys ${[...EXPORTER_KEYS].join(", ")} are written by the exporter. Received: ${reserved.join(", ")}`,
    );
  const built = buildGraph({ name: spec.name, shapes, weights, part, layout });
  if (options.selfTest) checkSelfTest(options.selfTest, built.inputShape, built.outputShape);
  const props: Record<string, string> = {
    ...options.metadata,
    [METADATA_KEYS.format]: AELAB_ONNX_FORMAT,
    [METADATA_KEYS.version]: AELAB_ONNX_VERSION,
    [METADATA_KEYS.part]: part,
    [METADATA_KEYS.layout]: layout,
    [METADATA_KEYS.spec]: JSON.stringify(spec),
    [METADATA_KEYS.inputScaling]: encodeInputScaling(spec.input.scaling),
    [METADATA_KEYS.weightsSha256]: await hashWeights(weights),
    [METADATA_KEYS.inputShape]: JSON.stringify(built.inputShape),
    [METADATA_KEYS.outputShape]: JSON.stringify(built.outputShape),
    ...(options.selfTest ? { [METADATA_KEYS.selfTest]: encodeSelfTest(options.selfTest) } : {}),
  };
  return encodeModel({
    ir_version: ONNX_COMPATIBILITY.irVersion,
    opset_import: [{ domain: "", version: ONNX_COMPATIBILITY.opset }],
    producer_name: "aelab",
    producer_version: AELAB_ONNX_VERSION,
    domain: "",
    model_version: 1,
    doc_string: `aelab ${part} of "${spec.name}" (${layout} I/O, batch axis dynamic)`,
    graph: built.graph,
    metadata_props: Object.entries(props).map(([key, value]) => ({ key, value })),
  });
}
