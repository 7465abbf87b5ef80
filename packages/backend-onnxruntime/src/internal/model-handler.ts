/**
 * The `ModelHandler` over three ONNX Runtime sessions (encoder, decoder, full)
 * made from one export of the spec and weights, with channels-last I/O exactly
 * like the trained model.
 */
import { AelabError, ErrorCode, inferShapes, type Float32Tensor, type ModelHandler, type ModelOptions } from "@aelab/core";
import { ONNX_IO_NAMES, exportOnnx, type OnnxPart } from "@aelab/onnx";
import { checkBatch } from "./check-input.ts";
import type { OrtRuntime, RuntimeSession, SessionConfig } from "./runtime.ts";

const PARTS: readonly OnnxPart[] = ["encoder", "decoder", "full"];

export async function createModelHandler(runtime: OrtRuntime, config: SessionConfig, options: ModelOptions): Promise<ModelHandler> {
  const { spec, weights } = options;
  const shapes = inferShapes(spec);
  const exported = await Promise.all(PARTS.map((part) => exportOnnx({ spec, weights, part })));
  const sessions: RuntimeSession[] = [];
  try {
    for (const bytes of exported) sessions.push(await runtime.createSession(bytes, config));
  } catch (cause) {
    await Promise.allSettled(sessions.map((s) => s.release()));
    throw new AelabError(ErrorCode.BackendUnavailable, `${runtime.packageName} could not load the exported model "${spec.name}". Received: ${String(cause)}`, { cause });
  }
  const [encoder, decoder, full] = sessions;
  let disposed = false;
  const run = async (part: OnnxPart, session: RuntimeSession, x: Float32Tensor, sample: readonly number[], what: string) => {
    if (disposed) throw new AelabError(ErrorCode.BackendUnavailable, `The ${runtime.packageName} model handler for "${spec.name}" was disposed. Received: ${what}() after dispose()`);
    const batch = checkBatch(x, sample, `${what}()`);
    const names = ONNX_IO_NAMES[part];
    return session.run(names.input, names.output, batch);
  };
  return {
    encode: (x) => run("encoder", encoder, x, shapes.inputShape, "encode"),
    decode: (code) => run("decoder", decoder, code, shapes.codeShape, "decode"),
    reconstruct: (x) => run("full", full, x, shapes.inputShape, "reconstruct"),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
