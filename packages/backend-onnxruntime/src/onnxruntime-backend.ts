/**
 * The `onnxruntime` backend (onnxruntime-node, native CPU): inference only.
 * Models are exported with @aelab/onnx and run as three sessions.
 */
import type { Backend, BackendRegistry } from "@aelab/core";
import { sessionConfig } from "./internal/check-options.ts";
import { createRuntimeBackend } from "./internal/create-backend.ts";
import { nodeRuntime } from "./internal/node-runtime.ts";
import type { OnnxruntimeOptions } from "./internal/runtime.ts";

export const ONNXRUNTIME_BACKEND_NAME = "onnxruntime";

/**
 * Creates the `onnxruntime` backend. Nothing is loaded until `init()`.
 *
 * @example
 * const backend = createOnnxruntimeBackend({ threads: 1 });
 * await backend.init();
 * const model = await backend.createModel({ spec, weights });
 * const code = await model.encode(batch);
 */
export function createOnnxruntimeBackend(options: OnnxruntimeOptions = {}): Backend {
  return createRuntimeBackend(ONNXRUNTIME_BACKEND_NAME, nodeRuntime(), sessionConfig(options, ["cpu"]));
}

/** Registers the `onnxruntime` backend on `registry` (import has no side effects). */
export function registerOnnxruntimeBackend(registry: BackendRegistry, options: OnnxruntimeOptions & { priority?: number } = {}): Backend {
  const { priority, ...backendOptions } = options;
  const backend = createOnnxruntimeBackend(backendOptions);
  registry.register(backend, { priority });
  return backend;
}
