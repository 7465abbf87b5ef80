/** The body of GET /metadata: what is served, from which files, with which limits. */
import { createRequire } from "node:module";
import pkg from "../../package.json" with { type: "json" };
import { ENDPOINTS, type EndpointPath } from "./endpoints.ts";
import type { ServedModel } from "./served-model.ts";

export interface ServeLimits {
  maxBatch: number;
  maxBodyBytes: number;
  maxInflight: number;
}

function runtimeVersion(): string {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve("@aelab/backend-onnxruntime"));
    return `onnxruntime-node ${(require("onnxruntime-node/package.json") as { version: string }).version}`;
  } catch {
    return "onnxruntime-node (version unknown)";
  }
}

/** Which endpoints this model answers, and through which parts. */
export function endpointParts(model: ServedModel): Record<EndpointPath, string[] | null> {
  const entries = Object.entries(ENDPOINTS).map(([path, e]) => [path, e.needs.find((set) => set.every((p) => model.parts[p])) ?? null]);
  return Object.fromEntries(entries) as Record<EndpointPath, string[] | null>;
}

export function describeModel(model: ServedModel, limits: ServeLimits): Record<string, unknown> {
  const first = Object.values(model.parts)[0];
  return {
    model: model.name,
    runId: model.runId ?? null,
    runName: model.runName ?? null,
    architecture: model.spec.architecture,
    variational: model.spec.variational !== undefined,
    loss: model.spec.loss,
    weightsSha256: model.weightsSha256,
    input: { shape: [...model.inputShape], layout: model.layout, scaling: model.scaling },
    code: { shape: [...model.codeShape] },
    parts: Object.fromEntries(
      Object.entries(model.parts).map(([part, p]) => [
        part,
        {
          file: p.path,
          bytes: p.bytes,
          sha256: p.sha256,
          inputs: p.info.inputs,
          outputs: p.info.outputs,
          selfTest: p.selfTest ?? null,
        },
      ]),
    ),
    endpoints: endpointParts(model),
    onnx: { opset: first?.info.opset ?? null, irVersion: first?.info.irVersion ?? null, exportedBy: `@aelab/onnx ${first?.metadata.version ?? "?"}` },
    server: { aelab: `@aelab/cli ${pkg.version}`, runtime: runtimeVersion() },
    limits,
    spec: model.spec,
  };
}
