/** The onnxruntime-node runtime: native CPU sessions, imported on first use (no side effects on import). */
import { AelabError, ErrorCode, type Float32Tensor } from "@aelab/core";
import type * as OrtNodeModule from "onnxruntime-node";
import { chooseNodeProviders } from "./node-providers.ts";
import type { OrtRuntime, RuntimeSession, RuntimeTensor, SessionConfig } from "./runtime.ts";

type OrtNode = typeof OrtNodeModule;

export function nodeRuntime(): OrtRuntime {
  let ort: OrtNode | undefined;
  const loaded = (): OrtNode => {
    if (!ort) throw new AelabError(ErrorCode.BackendUnavailable, "onnxruntime-node is not loaded; call init() first. Received: no module");
    return ort;
  };
  return {
    packageName: "onnxruntime-node",
    async load() {
      ort ??= await import("onnxruntime-node");
    },
    describe() {
      return `onnxruntime-node ${loaded().env.versions.node ?? loaded().env.versions.common}`;
    },
    resolveProviders: (requested) => chooseNodeProviders(requested),
    tensor: (data, dims) => new (loaded().Tensor)("float32", data, [...dims]),
    async createSession(bytes: Uint8Array, config: SessionConfig): Promise<RuntimeSession> {
      const o = loaded();
      const { usable } = chooseNodeProviders(config.executionProviders);
      let session: OrtNodeModule.InferenceSession;
      try {
        session = await o.InferenceSession.create(bytes, {
          executionProviders: usable,
          graphOptimizationLevel: config.graphOptimizationLevel,
          // Errors only: ORT's warnings (e.g. "Removing initializer … not used") are about its own graph rewrites, not the user's model.
          logSeverityLevel: ortLogLevel(),
          ...(config.threads === undefined ? {} : { intraOpNumThreads: config.threads, interOpNumThreads: 1 }),
        });
      } catch (cause) {
        // The provider library is there but cannot load (no GPU driver, wrong CUDA or cuDNN version).
        if (/AppendExecutionProvider|Failed to load (shared )?library/i.test(String(cause))) {
          throw new AelabError(
            ErrorCode.BackendUnavailable,
            `onnxruntime-node could not start the execution providers ${JSON.stringify(usable)}; check the GPU driver and the CUDA/cuDNN versions that onnxruntime-node ${o.env.versions.node ?? ""} needs, or list "cpu" only. Received: ${String(cause)}`,
            { cause },
          );
        }
        throw cause;
      }
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(input: string, outputs: readonly string[], x: Float32Tensor): Promise<Record<string, Float32Tensor>> {
          const result = await session.run({ [input]: new o.Tensor("float32", x.data, [...x.shape]) }, [...outputs]);
          // Copy out of the runtime's buffers so callers own the data.
          return Object.fromEntries(
            outputs.map((name) => [name, { data: new Float32Array(result[name].data as Float32Array), shape: [...result[name].dims] }]),
          );
        },
        async runTensors(feeds, outputs) {
          return (await session.run(feeds as Record<string, OrtNodeModule.Tensor>, [...outputs])) as Record<string, RuntimeTensor>;
        },
        release: () => session.release(),
      };
    },
  };
}

/** ORT's log level for sessions: AELAB_ORT_LOG_LEVEL (0 verbose … 4 fatal), default 3 (errors). */
function ortLogLevel(): 0 | 1 | 2 | 3 | 4 {
  const n = Number(process.env.AELAB_ORT_LOG_LEVEL ?? 3);
  return (Number.isInteger(n) && n >= 0 && n <= 4 ? n : 3) as 0 | 1 | 2 | 3 | 4;
}
