/**
 * Why this file exists: the three aelab backends (`tfjs-wasm`, `tfjs-cpu`,
 * `tfjs-node`) share one tfjs engine, whose active backend is process-global
 * and is switched by an async `tf.setBackend`. This file loads each tfjs
 * backend lazily (no side effects on import) and switches the engine.
 *
 * The rule every handler follows: call `runtime.activate()` and then run all
 * of its tfjs ops synchronously, awaiting only reads of finished tensors.
 * `activate()` is synchronous for a backend `init()` has initialised (tfjs then
 * completes `setBackend` before its first await), so no other handler can switch
 * the engine between the switch and the ops. Handlers on different tfjs backends
 * may therefore interleave freely.
 */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode } from "@aelab/core";
import { registerConv2dBackpropFilter } from "./conv2d-backprop-filter-wasm.ts";

export type TfjsKind = "wasm" | "cpu" | "node";

/** The tfjs backend name behind each kind (tfjs-node registers "tensorflow"). */
export const TFJS_BACKEND_NAMES: Record<TfjsKind, string> = { wasm: "wasm", cpu: "cpu", node: "tensorflow" };

export interface TfjsRuntime {
  kind: TfjsKind;
  /** The tfjs backend name: `wasm`, `cpu` or `tensorflow`. */
  tfName: string;
  /** What runs, e.g. `tfjs 4.22.0 wasm (simd, 1 thread)`. */
  detail: string;
  threads?: number;
  /** Kernels registered by aelab for this backend (e.g. the wasm Conv2DBackpropFilter). */
  addedKernels: string[];
  /**
   * Whether layers use aelab's XNNPACK-friendly ops (`ForwardOptions.fast`):
   * on wasm and cpu, whose own transposed-convolution and gradient kernels
   * are slow or wrong; not on tfjs-node, whose native kernels are fine.
   */
  fastPaths: boolean;
  /** Makes this backend the engine's active one, synchronously. */
  activate(): void;
}

/** How a module is imported; injectable so a missing tfjs-node can be simulated. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

// A variable specifier keeps bundlers and tsc from resolving the optional peer.
export const defaultImporter: ModuleImporter = (specifier) => import(/* @vite-ignore */ specifier);

const TFJS_NODE = "@tensorflow/tfjs-node";

function activator(tfName: string): () => void {
  return () => {
    if (tf.getBackend() !== tfName) {
      // Completes synchronously for an initialised backend; see the file comment.
      tf.setBackend(tfName).catch(() => undefined);
    }
    if (tf.getBackend() !== tfName || tf.backend() !== tf.engine().registry[tfName]) {
      throw new AelabError(ErrorCode.Internal, `The tfjs backend '${tfName}' is not initialised; call init() on the aelab backend first. Received: active tfjs backend ${JSON.stringify(tf.getBackend())}`);
    }
  };
}

async function initialise(tfName: string, label: string): Promise<void> {
  let ok = false;
  let cause: unknown;
  try {
    ok = await tf.setBackend(tfName);
  } catch (error) {
    cause = error;
  }
  if (!ok) {
    throw new AelabError(ErrorCode.BackendUnavailable, `${label} failed to initialise. Received: ${cause instanceof Error ? cause.message : "tf.setBackend returned false"}`, { cause });
  }
}

async function loadWasm(importer: ModuleImporter): Promise<TfjsRuntime> {
  const wasm = (await importer("@tensorflow/tfjs-backend-wasm")) as { getThreadsCount?: () => number; version_wasm?: string };
  // Register before the first init so the engine's kernel setup sees it; a no-op if wasm already has one.
  const added = registerConv2dBackpropFilter("wasm") ? ["Conv2DBackpropFilter"] : [];
  await initialise("wasm", "tfjs-backend-wasm");
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = wasm.getThreadsCount?.() ?? 1;
  const detail = `tfjs ${tf.version_core} wasm (${simd ? "simd" : "no simd"}, ${threads} thread${threads === 1 ? "" : "s"})`;
  return { kind: "wasm", tfName: "wasm", detail, threads, addedKernels: added, fastPaths: true, activate: activator("wasm") };
}

async function loadCpu(importer: ModuleImporter): Promise<TfjsRuntime> {
  await importer("@tensorflow/tfjs-backend-cpu");
  await initialise("cpu", "tfjs-backend-cpu");
  // The cpu backend prints a "you are running TensorFlow.js in Node.js" banner on
  // its first write; this flag is how it remembers having done so.
  const instance = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (instance && "firstUse" in instance) instance.firstUse = false;
  return { kind: "cpu", tfName: "cpu", detail: `tfjs ${tf.version_core} cpu (pure JS, 1 thread)`, threads: 1, addedKernels: [], fastPaths: true, activate: activator("cpu") };
}

export function tfjsNodeMissingMessage(reason: string): string {
  return (
    `tfjs-node is not available: install it with \`npm install ${TFJS_NODE}@${tf.version_core}\`. ` +
    `Its install script downloads the native libtensorflow library from storage.googleapis.com, so it needs network access ` +
    `(offline installs and --ignore-scripts leave it unusable). Received: ${reason}`
  );
}

async function loadNode(importer: ModuleImporter): Promise<TfjsRuntime> {
  let mod: { version?: Record<string, string> };
  try {
    mod = (await importer(TFJS_NODE)) as typeof mod;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw new AelabError(ErrorCode.BackendUnavailable, tfjsNodeMissingMessage(message), { cause });
  }
  await initialise("tensorflow", "tfjs-node");
  const version = mod.version?.["tfjs-node"] ?? tf.version_core;
  return { kind: "node", tfName: "tensorflow", detail: `tfjs-node ${version} (native libtensorflow)`, addedKernels: [], fastPaths: false, activate: activator("tensorflow") };
}

/** Imports and initialises one tfjs backend; rejects with BACKEND_UNAVAILABLE. */
export function loadRuntime(kind: TfjsKind, importer: ModuleImporter = defaultImporter): Promise<TfjsRuntime> {
  switch (kind) {
    case "wasm":
      return loadWasm(importer);
    case "cpu":
      return loadCpu(importer);
    case "node":
      return loadNode(importer);
    default: {
      const unknown: never = kind;
      return Promise.reject(new AelabError(ErrorCode.InvalidConfig, `Unknown tfjs backend kind; expected wasm, cpu or node. Received: ${JSON.stringify(unknown)}`));
    }
  }
}
