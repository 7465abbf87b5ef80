/**
 * A handler over one exported .onnx file (what `aelab serve` runs): its
 * signature and aelab metadata, checked `run()`, and the stored self-test.
 */
import { AelabError, ErrorCode, maxAbsDiff, type Float32Tensor } from "@aelab/core";
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
  readonly outputName: string;
  /** One sample's input shape, as the model takes it. */
  readonly inputShape: readonly number[];
  /** Runs a batch; input in the model's own layout (see `metadata.layout`). */
  run(x: Float32Tensor): Promise<Float32Tensor>;
  /** Runs the stored self-test; `undefined` when the file carries none. */
  runSelfTest(tolerance?: number): Promise<SelfTestResult | undefined>;
  dispose(): Promise<void>;
}

function sampleShape(info: OnnxModelInfo): number[] {
  const [input] = info.inputs;
  const dims = input.shape.slice(1);
  if (dims.some((d) => typeof d !== "number")) {
    throw new AelabError(ErrorCode.InvalidData, `An ONNX file served by aelab needs fixed dimensions after the batch axis. Received: input ${input.name} of shape [${input.shape.join(",")}]`);
  }
  return dims as number[];
}

export async function openOnnxFile(runtime: OrtRuntime, config: SessionConfig, bytes: Uint8Array, source: string): Promise<OnnxFileHandler> {
  const info = readOnnxMetadata(bytes);
  if (info.inputs.length !== 1 || info.outputs.length !== 1) {
    throw new AelabError(ErrorCode.InvalidData, `${source}: expected a model with one input and one output. Received: inputs [${info.inputs.map((i) => i.name).join(", ")}], outputs [${info.outputs.map((o) => o.name).join(", ")}]`);
  }
  const inputShape = sampleShape(info);
  await runtime.load();
  let session;
  try {
    session = await runtime.createSession(bytes, config);
  } catch (cause) {
    throw new AelabError(ErrorCode.InvalidData, `${source}: ${runtime.packageName} cannot load this model. Received: ${String(cause)}`, { cause });
  }
  const inputName = info.inputs[0].name;
  const outputName = info.outputs[0].name;
  let disposed = false;
  const run = async (x: Float32Tensor): Promise<Float32Tensor> => {
    if (disposed) throw new AelabError(ErrorCode.BackendUnavailable, `${source} was disposed. Received: run() after dispose()`);
    return session.run(inputName, outputName, checkBatch(x, inputShape, `${source} run()`));
  };
  return {
    info,
    metadata: info.aelab,
    inputName,
    outputName,
    inputShape,
    run,
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
