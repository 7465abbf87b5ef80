/**
 * The onnxruntime-web runtime (WebAssembly). Also runs in Node. `env.wasm` is
 * process-global in onnxruntime-web, so the thread count and wasm paths are
 * applied once, before the first session.
 */
import { AelabError, ErrorCode, type Float32Tensor } from "@aelab/core";
import type * as OrtWebModule from "onnxruntime-web";
import type { OrtRuntime, RuntimeSession, RuntimeTensor, SessionConfig } from "./runtime.ts";

type OrtWeb = typeof OrtWebModule;

export interface WebRuntimeOptions {
  /** WebAssembly threads; default 1 (more need a cross-origin-isolated page). */
  threads?: number;
  /** Where the ort-wasm files are served from, e.g. "/ort/" (see onnxruntime-web `env.wasm.wasmPaths`). */
  wasmPaths?: string;
}

export function webRuntime(options: WebRuntimeOptions): OrtRuntime {
  let ort: OrtWeb | undefined;
  const loaded = (): OrtWeb => {
    if (!ort) throw new AelabError(ErrorCode.BackendUnavailable, "onnxruntime-web is not loaded; call init() first. Received: no module");
    return ort;
  };
  return {
    packageName: "onnxruntime-web",
    async load() {
      if (ort) return;
      const o = await import("onnxruntime-web");
      o.env.wasm.numThreads = options.threads ?? 1;
      if (options.wasmPaths !== undefined) o.env.wasm.wasmPaths = options.wasmPaths;
      ort = o;
    },
    describe() {
      const o = loaded();
      return `onnxruntime-web ${o.env.versions.web ?? o.env.versions.common} wasm (${o.env.wasm.numThreads ?? 1} thread${o.env.wasm.numThreads === 1 ? "" : "s"})`;
    },
    tensor: (data, dims) => new (loaded().Tensor)("float32", data, [...dims]),
    async createSession(bytes: Uint8Array, config: SessionConfig): Promise<RuntimeSession> {
      const o = loaded();
      const session = await o.InferenceSession.create(bytes, {
        executionProviders: config.executionProviders,
        graphOptimizationLevel: config.graphOptimizationLevel,
        // Errors only: ORT's warnings (e.g. "Removing initializer … not used") are about its own graph rewrites, not the user's model.
        logSeverityLevel: ortLogLevel(),
      });
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(input: string, outputs: readonly string[], x: Float32Tensor): Promise<Record<string, Float32Tensor>> {
          const feeds = { [input]: new o.Tensor("float32", x.data, [...x.shape]) };
          const result = await session.run(feeds, [...outputs]);
          const out: Record<string, Float32Tensor> = {};
          for (const name of outputs) {
            const y = result[name];
            out[name] = { data: new Float32Array(y.data as Float32Array), shape: [...y.dims] };
            y.dispose();
          }
          return out;
        },
        async runTensors(feeds, outputs) {
          // Outputs come back as CPU tensors whose data lives in JS memory (onnxruntime-web ignores
          // pre-allocated CPU outputs, so there is nothing to reuse).
          return (await session.run(feeds as Record<string, OrtWebModule.Tensor>, [...outputs])) as Record<string, RuntimeTensor>;
        },
        release: () => session.release(),
      };
    },
  };
}

/** ORT's log level for sessions: AELAB_ORT_LOG_LEVEL (0 verbose … 4 fatal), default 3 (errors). */
function ortLogLevel(): 0 | 1 | 2 | 3 | 4 {
  const n = Number((typeof process === "undefined" ? undefined : process.env?.AELAB_ORT_LOG_LEVEL) ?? 3);
  return (Number.isInteger(n) && n >= 0 && n <= 4 ? n : 3) as 0 | 1 | 2 | 3 | 4;
}
