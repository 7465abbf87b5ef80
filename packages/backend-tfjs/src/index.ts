/**
 * @aelab/backend-tfjs: the TensorFlow.js adapter (tfjs-wasm, tfjs-cpu and the
 * optional tfjs-node) for aelab's `Backend` contract. No side effects on
 * import: tfjs backends are loaded by `init()`.
 */
export { createTfjsBackend } from "./tfjs-backend.ts";
export type { TfjsBackendKind, TfjsBackendOptions } from "./tfjs-backend.ts";
export { TFJS_BACKEND_PRIORITIES, registerTfjsBackends } from "./register-tfjs-backends.ts";
export type { RegisterTfjsOptions } from "./register-tfjs-backends.ts";
export { LEAKY_RELU_ALPHA } from "./internal/forward.ts";
export { RMSPROP_DECAY } from "./internal/optimizer.ts";
