/** A `Backend` (inference only) over an ONNX Runtime package. */
import { AelabError, ErrorCode, type AutoencoderSpec, type Backend, type BackendInfo, type SupportReport } from "@aelab/core";
import { onnxSupport } from "@aelab/onnx";
import { createModelHandler } from "./model-handler.ts";
import type { OrtRuntime, SessionConfig } from "./runtime.ts";

export function createRuntimeBackend(name: string, runtime: OrtRuntime, requested: SessionConfig): Backend {
  let ready = false;
  let config = requested;
  let dropped: { name: string; reason: string }[] = [];
  return {
    name,
    async init() {
      try {
        await runtime.load();
      } catch (cause) {
        throw new AelabError(ErrorCode.BackendUnavailable, `${runtime.packageName} failed to load. Received: ${String(cause)}`, { cause });
      }
      // A provider this installation lacks (e.g. CUDA) is dropped when a later one can run, refused when none can.
      const choice = runtime.resolveProviders?.(requested.executionProviders);
      if (choice) {
        config = { ...requested, executionProviders: choice.usable };
        dropped = choice.dropped;
      }
      ready = true;
    },
    info(): BackendInfo {
      const optimisation = `graph optimization ${config.graphOptimizationLevel}`;
      const providers = config.executionProviders.join(", ");
      const unavailable = dropped.map((d) => `; ${d.name} unavailable: ${d.reason}`).join("");
      const detail = ready ? `${runtime.describe()} [${providers}], ${optimisation}${unavailable}` : `${runtime.packageName} (not initialised)`;
      return { name, detail, ...(config.threads === undefined ? {} : { threads: config.threads }) };
    },
    supports(spec: AutoencoderSpec, purpose: "infer" | "train"): SupportReport {
      if (purpose === "train") return { ok: false, missing: [`The ${name} backend is inference-only; it has no trainer.`] };
      return onnxSupport(spec);
    },
    async createModel(options) {
      if (!ready)
        throw new AelabError(ErrorCode.BackendUnavailable, `Call init() on the ${name} backend before createModel(). Received: an uninitialised backend`);
      return createModelHandler(runtime, config, options);
    },
  };
}
