/**
 * The `ModelHandler` over three ONNX Runtime sessions (encoder, decoder, full)
 * made from one export of the spec and weights, with channels-last I/O exactly
 * like the trained model. A VAE's encoder session also has the log-variance
 * output; `encode` fetches only the mean, so inference never samples.
 */
import {
  AelabError,
  ErrorCode,
  describeValue,
  inferShapes,
  perSampleBce,
  perSampleMse,
  type Float32Tensor,
  type ModelHandler,
  type ModelOptions,
  type ScoreMetric,
} from "@aelab/core";
import { ONNX_IO_NAMES, exportOnnx, type OnnxPart } from "@aelab/onnx";
import { checkBatch } from "./check-input.ts";
import type { OrtRuntime, RuntimeSession, SessionConfig } from "./runtime.ts";

const PARTS: readonly OnnxPart[] = ["encoder", "decoder", "full"];
const SCORE_METRICS: readonly ScoreMetric[] = ["mse", "bce"];

/** Core's per-sample errors, so every backend's `score` agrees with `evaluate` and the metrics. */
const SCORERS: Record<ScoreMetric, (x: Float32Tensor, reconstruction: Float32Tensor) => Float32Array> = {
  mse: perSampleMse,
  bce: perSampleBce,
};

function checkMetric(metric: unknown): ScoreMetric {
  if (!SCORE_METRICS.includes(metric as ScoreMetric)) {
    throw new AelabError(ErrorCode.InvalidInput, `score metric must be "mse" or "bce". Received: ${describeValue(metric)}`, {
      details: { metric },
    });
  }
  return metric as ScoreMetric;
}

export async function createModelHandler(runtime: OrtRuntime, config: SessionConfig, options: ModelOptions): Promise<ModelHandler> {
  const { spec, weights } = options;
  const shapes = inferShapes(spec);
  const exported = await Promise.all(PARTS.map((part) => exportOnnx({ spec, weights, part })));
  const sessions: RuntimeSession[] = [];
  try {
    for (const bytes of exported) sessions.push(await runtime.createSession(bytes, config));
  } catch (cause) {
    await Promise.allSettled(sessions.map((s) => s.release()));
    throw new AelabError(ErrorCode.BackendUnavailable, `${runtime.packageName} could not load the exported model "${spec.name}". Received: ${String(cause)}`, {
      cause,
    });
  }
  const [encoder, decoder, full] = sessions;
  let disposed = false;
  const run = async (part: OnnxPart, session: RuntimeSession, x: Float32Tensor, sample: readonly number[], what: string) => {
    if (disposed)
      throw new AelabError(
        ErrorCode.BackendUnavailable,
        `The ${runtime.packageName} model handler for "${spec.name}" was disposed. Received: ${what}() after dispose()`,
      );
    const batch = checkBatch(x, sample, `${what}()`);
    const names = ONNX_IO_NAMES[part];
    // Only the first output: for a VAE encoder, the mean (the log-variance is not computed).
    return (await session.run(names.input, [names.output], batch))[names.output];
  };
  return {
    encode: (x) => run("encoder", encoder, x, shapes.inputShape, "encode"),
    decode: (code) => run("decoder", decoder, code, shapes.codeShape, "decode"),
    reconstruct: (x) => run("full", full, x, shapes.inputShape, "reconstruct"),
    async score(x, metric) {
      const scorer = SCORERS[checkMetric(metric === undefined ? spec.loss : metric)];
      const reconstruction = await run("full", full, x, shapes.inputShape, "score");
      return scorer(x, reconstruction);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
