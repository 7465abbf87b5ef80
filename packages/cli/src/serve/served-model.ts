/**
 * The model behind `aelab serve`: one onnxruntime-node InferenceSession per
 * part, shared by every request, each file's stored self-test run before the
 * server accepts anything, and the operations the endpoints need (encode,
 * decode, reconstruct) over whichever parts were given.
 */
import { AelabError, ErrorCode, inferShapes, type AutoencoderSpec, type Float32Tensor, type InputScaling } from "@aelab/core";
import { loadOnnxModel, type OnnxFileHandler, type SelfTestResult } from "@aelab/backend-onnxruntime";
import type { OnnxLayout, OnnxPart } from "@aelab/onnx";
import { collectServedFiles, type ServedFile } from "./served-files.ts";

/** The self-test tolerance: the export parity gate's. */
export const SELF_TEST_TOLERANCE = 1e-4;

export interface LoadedPart extends ServedFile {
  handler: OnnxFileHandler;
  /** The stored self-test's result, or undefined when the file carries none (or it was skipped). */
  selfTest: SelfTestResult | undefined;
}

export interface ServedModel {
  name: string;
  spec: AutoencoderSpec;
  layout: OnnxLayout;
  scaling: InputScaling;
  weightsSha256: string;
  /** The run the files were exported from (`aelab.run_id`, `aelab.run_name`), when recorded. */
  runId: string | undefined;
  runName: string | undefined;
  /** One input sample's shape, in the files' layout. */
  inputShape: readonly number[];
  codeShape: readonly number[];
  parts: Partial<Record<OnnxPart, LoadedPart>>;
  /** Every output of the encoder: `code` (a VAE's mean) and, for a VAE, `code_logvar`. */
  encode(x: Float32Tensor): Promise<Record<string, Float32Tensor>>;
  decode(code: Float32Tensor): Promise<Float32Tensor>;
  /** The full model when loaded, else the decoder of the encoder's code (a VAE's mean). */
  reconstruct(x: Float32Tensor): Promise<Float32Tensor>;
  dispose(): Promise<void>;
}

export interface LoadServedModelOptions {
  /** Intra-op threads per session (onnxruntime's default: one per core). */
  threads?: number;
  /** Run each file's stored self-test and refuse to start if one fails. Default true. */
  selfTest?: boolean;
}

function require(parts: ServedModel["parts"], part: OnnxPart): OnnxFileHandler {
  const p = parts[part];
  if (!p) throw new AelabError(ErrorCode.Internal, `The ${part} part is not loaded. Received: parts ${Object.keys(parts).join(", ")}`);
  return p.handler;
}

async function openPart(file: ServedFile, options: LoadServedModelOptions): Promise<LoadedPart> {
  const handler = await loadOnnxModel(file.path, options.threads === undefined ? {} : { threads: options.threads });
  try {
    const selfTest = options.selfTest === false ? undefined : await handler.runSelfTest(SELF_TEST_TOLERANCE);
    if (selfTest && !selfTest.passed) {
      throw new AelabError(
        ErrorCode.ExportParity,
        `${file.path}: the stored self-test fails under onnxruntime-node, so this runtime does not reproduce the exporting backend; not serving it ` +
          `(pass --no-self-test to serve anyway). Received: max |difference| ${selfTest.maxAbsDiff.toExponential(2)} > ${selfTest.tolerance} on ${selfTest.samples} samples`,
      );
    }
    return { ...file, handler, selfTest };
  } catch (error) {
    await handler.dispose();
    throw error;
  }
}

/**
 * Loads the parts of one exported model (files or folders) into
 * onnxruntime-node sessions and checks their self-tests.
 *
 * @example
 * const model = await loadServedModel(["artifacts/onnx/dense-h32-<run>-full.onnx"]);
 * const reconstruction = await model.reconstruct(batch); // batch already scaled, in the files' layout
 */
export async function loadServedModel(sources: readonly string[], options: LoadServedModelOptions = {}): Promise<ServedModel> {
  const files = collectServedFiles(sources);
  const parts: ServedModel["parts"] = {};
  try {
    for (const file of files) parts[file.part] = await openPart(file, options);
  } catch (error) {
    await Promise.all(Object.values(parts).map((p) => p.handler.dispose()));
    throw error;
  }
  const { metadata } = files[0];
  const spec = metadata.spec;
  const layout = metadata.layout;
  const inputPart = parts.encoder ?? parts.full;
  const codeShape = parts.decoder?.handler.inputShape ?? parts.encoder?.metadata.outputShape ?? inferShapes(spec).codeShape;
  const inputShape = inputPart?.handler.inputShape ?? spec.input.shape;
  return {
    name: spec.name,
    spec,
    layout,
    scaling: metadata.inputScaling,
    weightsSha256: metadata.weightsSha256,
    runId: metadata.user["aelab.run_id"],
    runName: metadata.user["aelab.run_name"],
    inputShape,
    codeShape,
    parts,
    encode: (x) => require(parts, "encoder").runAll(x),
    decode: (code) => require(parts, "decoder").run(code),
    async reconstruct(x) {
      if (parts.full) return parts.full.handler.run(x);
      return require(parts, "decoder").run(await require(parts, "encoder").run(x));
    },
    async dispose() {
      await Promise.all(Object.values(parts).map((p) => p.handler.dispose()));
    },
  };
}
