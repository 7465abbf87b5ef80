/**
 * The CLI's backend registry: every adapter this installation has. `auto`
 * trains on onnxruntime-node (priority 25), which trains both bench presets
 * faster than tfjs-wasm (20) and tfjs-cpu (10); tfjs-node (30), when someone
 * installs it, stays first (native TensorFlow, not measurable here).
 */
import { BackendRegistry } from "@aelab/core";
import { registerOnnxruntimeBackend } from "@aelab/backend-onnxruntime";
import { registerTfjsBackends } from "@aelab/backend-tfjs";

/** Above tfjs-wasm (20), below tfjs-node (30): see docs/benchmarks.md for the training throughput behind it. */
export const ONNXRUNTIME_PRIORITY = 25;

export function createRegistry(): BackendRegistry {
  const registry = new BackendRegistry();
  registerTfjsBackends(registry);
  registerOnnxruntimeBackend(registry, { priority: ONNXRUNTIME_PRIORITY });
  return registry;
}
