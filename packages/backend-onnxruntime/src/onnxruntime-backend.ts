/**
 * The `onnxruntime` backend (onnxruntime-node, native CPU). Models are
 * exported with @aelab/onnx and run as three sessions; training runs the
 * generated training-step graph (`buildTrainingGraphs`).
 */
import { availableParallelism } from "node:os";
import type { Backend, BackendRegistry } from "@aelab/core";
import { sessionConfig } from "./internal/check-options.ts";
import { createRuntimeBackend } from "./internal/create-backend.ts";
import { nodeRuntime } from "./internal/node-runtime.ts";
import type { OnnxruntimeOptions } from "./internal/runtime.ts";
import { ORT_THREADS_ENV, ortThreadsWanted } from "./internal/threads.ts";

export const ONNXRUNTIME_BACKEND_NAME = "onnxruntime";

/**
 * Creates the `onnxruntime` backend. Nothing is loaded until `init()`.
 * Without `threads`, the intra-op thread count is `AELAB_ORT_THREADS` or the
 * number of cores.
 *
 * @example
 * const backend = createOnnxruntimeBackend({ threads: 2 });
 * await backend.init();
 * const model = await backend.createModel({ spec, weights });
 * const code = await model.encode(batch);
 * const trainer = await backend.createTrainer!({ spec, weights, optimizer, seed: 42 });
 * const loss = await trainer.trainBatch(batch);
 */
export function createOnnxruntimeBackend(options: OnnxruntimeOptions = {}): Backend {
  const threads = options.threads ?? ortThreadsWanted(process.env[ORT_THREADS_ENV], availableParallelism());
  return createRuntimeBackend(ONNXRUNTIME_BACKEND_NAME, nodeRuntime(), sessionConfig({ ...options, threads }, ["cpu"]));
}

/** Registers the `onnxruntime` backend on `registry` (import has no side effects). */
export function registerOnnxruntimeBackend(registry: BackendRegistry, options: OnnxruntimeOptions & { priority?: number } = {}): Backend {
  const { priority, ...backendOptions } = options;
  const backend = createOnnxruntimeBackend(backendOptions);
  registry.register(backend, { priority });
  return backend;
}
