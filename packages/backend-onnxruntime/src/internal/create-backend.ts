/** A `Backend` over an ONNX Runtime package: inference on exported models, training on generated training graphs. */
import { AelabError, ErrorCode, type AutoencoderSpec, type Backend, type BackendInfo, type SupportReport } from "@aelab/core";
import { onnxSupport, trainingSupport } from "@aelab/onnx";
import { createModelHandler } from "./model-handler.ts";
import { createTrainerHandler } from "./trainer-handler.ts";
import type { OrtRuntime, SessionConfig } from "./runtime.ts";

export function createRuntimeBackend(name: string, runtime: OrtRuntime, requested: SessionConfig): Backend {
  let ready = false;
  let config = requested;
  let dropped: { name: string; reason: string }[] = [];
  const supports = (spec: AutoencoderSpec, purpose: "infer" | "train"): SupportReport => {
    const exportable = onnxSupport(spec);
    if (purpose === "infer") return exportable;
    // Training needs the exporter's forward ops and a training rule for every layer.
    const missing = [...new Set([...exportable.missing, ...trainingSupport(spec).missing])];
    return { ok: missing.length === 0, missing };
  };
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
    supports,
    async createModel(options) {
      if (!ready)
        throw new AelabError(ErrorCode.BackendUnavailable, `Call init() on the ${name} backend before createModel(). Received: an uninitialised backend`);
      return createModelHandler(runtime, config, options);
    },
    async createTrainer(options) {
      if (!ready)
        throw new AelabError(ErrorCode.BackendUnavailable, `Call init() on the ${name} backend before createTrainer(). Received: an uninitialised backend`);
      const report = supports(options.spec, "train");
      if (!report.ok)
        throw new AelabError(ErrorCode.InvalidSpec, `The ${name} backend cannot train "${options.spec.name}": ${report.missing.join("; ")}`, {
          details: { missing: report.missing },
        });
      return createTrainerHandler(runtime, config, options);
    },
  };
}
