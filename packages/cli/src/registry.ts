/** The CLI's backend registry: every adapter this installation has. */
import { BackendRegistry } from "@aelab/core";
import { registerOnnxruntimeBackend } from "@aelab/backend-onnxruntime";
import { registerTfjsBackends } from "@aelab/backend-tfjs";

export function createRegistry(): BackendRegistry {
  const registry = new BackendRegistry();
  registerTfjsBackends(registry);
  registerOnnxruntimeBackend(registry, { priority: 0 });
  return registry;
}
