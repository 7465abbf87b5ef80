/**
 * A handler over one exported .onnx file (what `aelab serve` runs): its
 * signature and aelab metadata, checked `run()` / `runAll()`, and the stored
 * self-test. A file has one input and one or more outputs (a VAE encoder has
 * two: the code's mean and its log-variance).
 */
import { AelabError, ErrorCode, isAelabError, maxAbsDiff, type Float32Tensor } from "@aelab/core";
import { readOnnxMetadata, type AelabOnnxMetadata, type OnnxModelInfo } from "@aelab/onnx";
import { checkBatch } from "./check-input.ts";
import type { OrtRuntime, SessionConfig } from "./runtime.ts";

export interface SelfTestResult {
  passed: boolean;
  maxAbsDiff: number;
  tolerance: number;
  samples: number;
}

export interface OnnxFileHandler {
  /** Signature, opset and every metadata_props entry. */
  readonly info: OnnxModelInfo;
  /** The aelab metadata (spec, part, layout, weights hash, …), when the file was written by @aelab/onnx. */
  readonly metadata: AelabOnnxMetadata | undefined;
  readonly inputName: string;
  /** The first output: the code (a VAE's mean) or the reconstruction; what `run()` returns. */
  readonly outputName: string;
  /** Every output, `outputName` first; `["code", "code_logvar"]` for a VAE encoder. */
  readonly outputNames: readonly string[];
  /** One sample's input shape, as the model takes it. */
  readonly inputShape: readonly number[];
  /** Runs a batch and returns the first output; input in the model's own layout (see `metadata.layout`). */
  run(x: Float32Tensor): Promise<Float32Tensor>;
  /**
   * Runs a batch once and returns every output by name. For a VAE encoder this
   * is the code's mean and log-variance (`metadata.logvarName`), e.g. to report
   * the model's uncertainty or to draw codes from the posterior.
   *
   * @example
   * const encoder = await loadOnnxModel("artifacts/onnx/vae-h16-encoder.onnx");
   * const { code, code_logvar } = await encoder.runAll(batch);
   * const std = code_logvar.data.map((v) => Math.exp(v / 2)); // per-dimension σ of each code
   */
  runAll(x: Float32Tensor): Promise<Record<string, Float32Tensor>>;
  /** Runs the stored self-test; `undefined` when the file carries none. */
  runSelfTest(tolerance?: number): Promise<SelfTestResult | undefined>;
  dispose(): Promise<void>;
}

function sampleShape(info: OnnxModelInfo): number[] {
  const [input] = info.inputs;
  const dims = input.shape.slice(1);
  if (dims.some((d) => typeof d !== "number")) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `An ONNX file served by aelab needs fixed dimensions after the batch axis. Received: input ${input.name} of shape [${input.shape.join(",")}]`,
    );
  }
  return dims as number[];
}

export async function openOnnxFile(runtime: OrtRuntime, config: SessionConfig, bytes: Uint8Array, source: string): Promise<OnnxFileHandler> {
  const info = readOnnxMetadata(bytes);
  if (info.inputs.length !== 1 || info.outputs.length === 0) {
    throw new AelabError(
      ErrorCode.InvalidData,
      `${source}: expected a model with one input and at least one output. Received: inputs [${info.inputs.map((i) => i.name).join(", ")}], outputs [${info.outputs.map((o) => o.name).join(", ")}]`,
    );
  }
  const inputShape = sampleShape(info);
  await runtime.load();
  let session;
  try {
    session = await runtime.createSession(bytes, config);
  } catch (cause) {
    // Our own errors (e.g. no usable execution provider) say what is wrong better than "cannot load".
    if (isAelabError(cause)) throw cause;
    throw new AelabError(ErrorCode.InvalidData, `${source}: ${runtime.packageName} cannot load this model. Received: ${String(cause)}`, { cause });
  }
  const inputName = info.inputs[0].name;
  const outputNames = info.outputs.map((o) => o.name);
  const outputName = outputNames[0];
  let disposed = false;
  const runOutputs = async (x: Float32Tensor, outputs: readonly string[], what: string): Promise<Record<string, Float32Tensor>> => {
    if (disposed) throw new AelabError(ErrorCode.BackendUnavailable, `${source} was disposed. Received: ${what}() after dispose()`);
    return session.run(inputName, outputs, checkBatch(x, inputShape, `${source} ${what}()`));
  };
  const run = async (x: Float32Tensor): Promise<Float32Tensor> => (await runOutputs(x, [outputName], "run"))[outputName];
  return {
    info,
    metadata: info.aelab,
    inputName,
    outputName,
    outputNames,
    inputShape,
    run,
    runAll: (x) => runOutputs(x, outputNames, "runAll"),
    async runSelfTest(tolerance = 1e-4) {
      const test = info.aelab?.selfTest;
      if (!test) return undefined;
      const diff = maxAbsDiff(await run(test.input), test.output);
      return { passed: diff <= tolerance, maxAbsDiff: diff, tolerance, samples: test.input.shape[0] };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await session.release();
    },
  };
}
