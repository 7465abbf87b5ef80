/**
 * @aelab/backend-onnxruntime: the ONNX Runtime adapter (inference only).
 * `onnxruntime-node` here; the `./web` subpath has the same API over
 * onnxruntime-web (WebAssembly) for browsers.
 */
export { ONNXRUNTIME_BACKEND_NAME, createOnnxruntimeBackend, registerOnnxruntimeBackend } from "./onnxruntime-backend.ts";
export { loadOnnxModel } from "./load-onnx-model.ts";
export type { OnnxFileHandler, SelfTestResult } from "./internal/file-handler.ts";
export type { GraphOptimizationLevel, OnnxruntimeOptions } from "./internal/runtime.ts";
