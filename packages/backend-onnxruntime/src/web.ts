/**
 * @aelab/backend-onnxruntime/web: the same backend and file handler over
 * onnxruntime-web (WebAssembly), for browsers (and Node). Sessions are made
 * from bytes; there is no filesystem access.
 */
import type { Backend, BackendRegistry } from "@aelab/core";
import { sessionConfig } from "./internal/check-options.ts";
import { createRuntimeBackend } from "./internal/create-backend.ts";
import { openOnnxFile, type OnnxFileHandler } from "./internal/file-handler.ts";
import type { OnnxruntimeOptions } from "./internal/runtime.ts";
import { webRuntime } from "./internal/web-runtime.ts";

export type { OnnxFileHandler, SelfTestResult } from "./internal/file-handler.ts";
export type { GraphOptimizationLevel, OnnxruntimeOptions } from "./internal/runtime.ts";

export const ONNXRUNTIME_WEB_BACKEND_NAME = "onnxruntime-web";

export interface OnnxruntimeWebOptions extends OnnxruntimeOptions {
  /** Where the ort-wasm files are served from, e.g. "/ort/" (onnxruntime-web `env.wasm.wasmPaths`). */
  wasmPaths?: string;
}

/**
 * Creates the `onnxruntime-web` backend (wasm, 1 thread unless `threads` is set); it
 * trains as the node entry does, on the same generated graphs.
 * onnxruntime-web's `env.wasm` is global: the first backend or file to load sets it.
 *
 * @example
 * const backend = createOnnxruntimeWebBackend({ wasmPaths: "/ort/" });
 * await backend.init();
 * const model = await backend.createModel({ spec, weights });
 */
export function createOnnxruntimeWebBackend(options: OnnxruntimeWebOptions = {}): Backend {
  const { wasmPaths, ...rest } = options;
  const config = sessionConfig({ ...rest, threads: rest.threads ?? 1 }, ["wasm"]);
  return createRuntimeBackend(ONNXRUNTIME_WEB_BACKEND_NAME, webRuntime({ threads: config.threads, wasmPaths }), config);
}

/** Registers the `onnxruntime-web` backend on `registry` (import has no side effects). */
export function registerOnnxruntimeWebBackend(registry: BackendRegistry, options: OnnxruntimeWebOptions & { priority?: number } = {}): Backend {
  const { priority, ...backendOptions } = options;
  const backend = createOnnxruntimeWebBackend(backendOptions);
  registry.register(backend, { priority });
  return backend;
}

/**
 * Loads one exported ONNX file from bytes under onnxruntime-web and reports its
 * metadata; the same handler as the Node entry's `loadOnnxModel` (`runAll()`
 * gives a VAE encoder's mean and log-variance).
 *
 * @example
 * const model = await loadOnnxModel(new Uint8Array(await (await fetch("/models/vae-encoder.onnx")).arrayBuffer()));
 * const { code, code_logvar } = await model.runAll(batch);
 */
export async function loadOnnxModel(bytes: Uint8Array, options: OnnxruntimeWebOptions = {}): Promise<OnnxFileHandler> {
  const { wasmPaths, ...rest } = options;
  const config = sessionConfig(rest, ["wasm"]);
  return openOnnxFile(webRuntime({ threads: config.threads, wasmPaths }), config, bytes, "ONNX model bytes");
}
