/** Explicit registration of the three tfjs backends into an aelab registry. */
import type { Backend, BackendRegistry } from "@aelab/core";
import { createTfjsBackend, type TfjsBackendKind, type TfjsBackendOptions } from "./tfjs-backend.ts";

/** Fallback order for `auto`: native libtensorflow, then wasm (XNNPACK, SIMD), then pure JS. */
export const TFJS_BACKEND_PRIORITIES: Readonly<Record<TfjsBackendKind, number>> = { node: 30, wasm: 20, cpu: 10 };

export interface RegisterTfjsOptions extends TfjsBackendOptions {
  /** Which kinds to register; all three by default. */
  kinds?: readonly TfjsBackendKind[];
  /** Overrides of `TFJS_BACKEND_PRIORITIES`; a negative priority keeps a backend out of `auto`. */
  priorities?: Partial<Record<TfjsBackendKind, number>>;
}

/**
 * Registers `tfjs-node` (30), `tfjs-wasm` (20) and `tfjs-cpu` (10). Nothing is
 * imported or initialised until the registry resolves a backend, so a missing
 * tfjs-node only fails its own `init()` and `auto` falls back to wasm.
 *
 * @example
 * const registry = new BackendRegistry();
 * registerTfjsBackends(registry);
 * const backend = await registry.resolve("auto", { purpose: "train", spec });
 */
export function registerTfjsBackends(registry: BackendRegistry, options: RegisterTfjsOptions = {}): Backend[] {
  const kinds = options.kinds ?? (["node", "wasm", "cpu"] as const);
  return kinds.map((kind) => {
    const backend = createTfjsBackend(kind, { importModule: options.importModule });
    registry.register(backend, { priority: options.priorities?.[kind] ?? TFJS_BACKEND_PRIORITIES[kind] });
    return backend;
  });
}
