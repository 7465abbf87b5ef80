/**
 * The metadata_props an exported model carries, and `readOnnxMetadata` to read
 * them (and the model's I/O signature) back from the bytes.
 */
import { AelabError, ErrorCode, inputScalingSchema, parseSpec, type AutoencoderSpec, type Float32Tensor, type InputScaling } from "@aelab/core";
import { ONNX_COMPATIBILITY, type OnnxLayout, type OnnxPart } from "./compatibility.ts";
import { base64ToFloat32, float32ToBase64 } from "./internal/base64.ts";
import { decodeModel, type DecodedModel } from "./internal/proto.ts";

export const AELAB_ONNX_FORMAT = "aelab-onnx/1";

/** metadata_props keys written by `exportOnnx`; caller metadata may not reuse them. */
export const METADATA_KEYS = {
  format: "aelab.format",
  version: "aelab.version",
  part: "aelab.part",
  layout: "aelab.layout",
  spec: "aelab.spec",
  inputScaling: "aelab.input_scaling",
  weightsSha256: "aelab.weights_sha256",
  inputShape: "aelab.input_shape",
  outputShape: "aelab.output_shape",
  selfTest: "aelab.self_test",
} as const;

/** The keys in `METADATA_KEYS`, as a set. */
export const EXPORTER_KEYS: ReadonlySet<string> = new Set(Object.values(METADATA_KEYS));

/** Graph input and (first) output names per part. */
export const ONNX_IO_NAMES: Record<OnnxPart, { input: string; output: string }> = {
  encoder: { input: "input", output: "code" },
  decoder: { input: "code", output: "reconstruction" },
  full: { input: "input", output: "reconstruction" },
};

/**
 * The second output of a variational autoencoder's encoder: the code's
 * log-variance, shaped like the code (`ONNX_IO_NAMES.encoder.output` is its mean).
 */
export const ONNX_LOGVAR_OUTPUT: string = ONNX_COMPATIBILITY.variational.encoder[1];

/**
 * `aelab.input_scaling`: "unit" and "none" are written as the plain strings
 * (as before standardisation existed); the standardize form as its JSON, which
 * round-trips every float64 statistic exactly.
 */
export function encodeInputScaling(scaling: InputScaling): string {
  return typeof scaling === "string" ? scaling : JSON.stringify(scaling);
}

/** Reads `aelab.input_scaling` in either form: a plain string, or JSON (a string or the standardize object). */
export function decodeInputScaling(text: string): InputScaling {
  let value: unknown = text;
  if (text !== "unit" && text !== "none") {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  const parsed = inputScalingSchema.safeParse(value);
  if (!parsed.success) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `ONNX metadata ${METADATA_KEYS.inputScaling} must be "unit", "none" or a JSON {"type":"standardize","mean":[…],"std":[…]}. Received: ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
  return parsed.data;
}

/** A fixed input and the output the exporting backend computed for it, in the model's I/O layout. */
export interface OnnxSelfTest {
  input: Float32Tensor;
  output: Float32Tensor;
}

export interface AelabOnnxMetadata {
  format: typeof AELAB_ONNX_FORMAT;
  /** Version of @aelab/onnx that wrote the file. */
  version: string;
  part: OnnxPart;
  layout: OnnxLayout;
  spec: AutoencoderSpec;
  /** How raw values become the model's input (the spec's `input.scaling`, stored on its own for servers). */
  inputScaling: InputScaling;
  weightsSha256: string;
  inputName: string;
  /** The first output: the code (its mean, for a VAE) or the reconstruction. */
  outputName: string;
  /** A VAE encoder's second output, the code's log-variance (`ONNX_LOGVAR_OUTPUT`); absent otherwise. */
  logvarName?: string;
  /** One sample's input shape as the model takes it (channels first when layout is "nchw"). */
  inputShape: number[];
  outputShape: number[];
  selfTest?: OnnxSelfTest;
  /** Caller-supplied metadata: every key that is not one of `METADATA_KEYS`. */
  user: Record<string, string>;
}

export interface OnnxValueInfo {
  name: string;
  /** Dimensions; symbolic ones (the batch) as their dim_param name. */
  shape: (number | string)[];
}

export interface OnnxModelInfo {
  irVersion: number;
  /** Default-domain opset. */
  opset: number | undefined;
  producerName: string;
  producerVersion: string;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Every metadata_props entry. */
  props: Record<string, string>;
  /** Present when the file was written by `exportOnnx`. */
  aelab?: AelabOnnxMetadata;
}

interface SelfTestJson {
  input: { shape: number[]; data: string };
  output: { shape: number[]; data: string };
}

export function encodeSelfTest(t: OnnxSelfTest): string {
  const side = (x: Float32Tensor) => ({ shape: [...x.shape], data: float32ToBase64(x.data) });
  return JSON.stringify({ input: side(t.input), output: side(t.output) } satisfies SelfTestJson);
}

function decodeSelfTest(text: string): OnnxSelfTest {
  const json = JSON.parse(text) as SelfTestJson;
  return {
    input: { shape: json.input.shape, data: base64ToFloat32(json.input.data) },
    output: { shape: json.output.shape, data: base64ToFloat32(json.output.data) },
  };
}

function valueInfos(list: NonNullable<DecodedModel["graph"]>["input"]): OnnxValueInfo[] {
  return (list ?? []).map((v) => ({
    name: v.name ?? "",
    shape: (v.type?.tensor_type?.shape?.dim ?? []).map((d) => d.dim_param ?? d.dim_value ?? "?"),
  }));
}

function sameScaling(a: InputScaling, b: InputScaling): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return same(a.mean, b.mean) && same(a.std, b.std);
}

function aelabMetadata(props: Record<string, string>): AelabOnnxMetadata | undefined {
  if (props[METADATA_KEYS.format] === undefined) return undefined;
  const read = (key: string): string => {
    const v = props[key];
    if (v === undefined)
      throw new AelabError(ErrorCode.InvalidData, `An aelab ONNX file must carry metadata ${key}. Received: keys ${Object.keys(props).join(", ")}`);
    return v;
  };
  const format = read(METADATA_KEYS.format);
  if (format !== AELAB_ONNX_FORMAT) {
    throw new AelabError(ErrorCode.InvalidData, `Expected ONNX metadata ${METADATA_KEYS.format}=${AELAB_ONNX_FORMAT}. Received: ${JSON.stringify(format)}`);
  }
  try {
    const part = read(METADATA_KEYS.part) as OnnxPart;
    const names = ONNX_IO_NAMES[part];
    if (!names) throw new Error(`unknown part ${JSON.stringify(part)}`);
    const { spec } = parseSpec(JSON.parse(read(METADATA_KEYS.spec)), "ONNX metadata aelab.spec");
    const selfTest = props[METADATA_KEYS.selfTest];
    const inputScaling = decodeInputScaling(read(METADATA_KEYS.inputScaling));
    if (!sameScaling(inputScaling, spec.input.scaling)) {
      throw new AelabError(
        ErrorCode.InvalidData,
        `ONNX metadata ${METADATA_KEYS.inputScaling} must agree with the spec's input.scaling. Received: ${JSON.stringify(inputScaling)} vs ${JSON.stringify(spec.input.scaling)}`,
      );
    }
    return {
      format,
      version: read(METADATA_KEYS.version),
      part,
      layout: read(METADATA_KEYS.layout) as OnnxLayout,
      spec,
      inputScaling,
      weightsSha256: read(METADATA_KEYS.weightsSha256),
      inputName: names.input,
      outputName: names.output,
      ...(part === "encoder" && spec.variational ? { logvarName: ONNX_LOGVAR_OUTPUT } : {}),
      inputShape: JSON.parse(read(METADATA_KEYS.inputShape)) as number[],
      outputShape: JSON.parse(read(METADATA_KEYS.outputShape)) as number[],
      ...(selfTest === undefined ? {} : { selfTest: decodeSelfTest(selfTest) }),
      user: Object.fromEntries(Object.entries(props).filter(([k]) => !EXPORTER_KEYS.has(k))),
    };
  } catch (cause) {
    if (cause instanceof AelabError && cause.code === ErrorCode.InvalidData) throw cause;
    throw new AelabError(ErrorCode.InvalidData, `The aelab metadata of this ONNX file does not parse. Received: ${String(cause)}`, { cause });
  }
}

/**
 * Reads an ONNX file's signature and metadata_props; `aelab` is filled in for
 * files written by `exportOnnx`.
 *
 * @example
 * const info = readOnnxMetadata(bytes);
 * info.aelab?.spec.name; // "conv-h16"
 */
export function readOnnxMetadata(bytes: Uint8Array): OnnxModelInfo {
  const model = decodeModel(bytes);
  if (!model.graph || model.ir_version === undefined) {
    throw new AelabError(ErrorCode.InvalidData, `Expected an ONNX ModelProto with ir_version and a graph. Received: ${bytes.length} bytes without them`);
  }
  const props: Record<string, string> = {};
  for (const { key, value } of model.metadata_props ?? []) if (key !== undefined) props[key] = value ?? "";
  const aelab = aelabMetadata(props);
  return {
    irVersion: model.ir_version,
    opset: (model.opset_import ?? []).find((o) => (o.domain ?? "") === "")?.version,
    producerName: model.producer_name ?? "",
    producerVersion: model.producer_version ?? "",
    inputs: valueInfos(model.graph.input),
    outputs: valueInfos(model.graph.output),
    props,
    ...(aelab ? { aelab } : {}),
  };
}
