/**
 * @aelab/backend-onnxruntime: the ONNX Runtime adapter: inference on exported
 * models, and training on generated training-step graphs.
 * `onnxruntime-node` here; the `./web` subpath has the same API over
 * onnxruntime-web (WebAssembly) for browsers.
 */
export { ONNXRUNTIME_BACKEND_NAME, createOnnxruntimeBackend, registerOnnxruntimeBackend } from "./onnxruntime-backend.ts";
export { loadOnnxModel } from "./load-onnx-model.ts";
export { ORT_THREADS_ENV, ortThreadsWanted } from "./internal/threads.ts";
export type { OnnxFileHandler, SelfTestResult } from "./internal/file-handler.ts";
export type { GraphOptimizationLevel, OnnxruntimeOptions } from "./internal/runtime.ts";
