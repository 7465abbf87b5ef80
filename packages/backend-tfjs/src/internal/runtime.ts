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
 *
 * tfjs-wasm's thread pool needs patches tfjs lacks under Node; they live in
 * wasm-threads.ts and are applied only around the wasm backend's first init.
 */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode } from "@aelab/core";
import { registerConv2dBackpropFilter } from "./conv2d-backprop-filter-wasm.ts";
import { patchForThreadedInit, wasmThreadsFromEnvironment, wasmThreadsUnsupportedReason } from "./wasm-threads.ts";

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
      throw new AelabError(
        ErrorCode.Internal,
        `The tfjs backend '${tfName}' is not initialised; call init() on the aelab backend first. Received: active tfjs backend ${JSON.stringify(tf.getBackend())}`,
      );
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
    throw new AelabError(
      ErrorCode.BackendUnavailable,
      `${label} failed to initialise. Received: ${cause instanceof Error ? cause.message : "tf.setBackend returned false"}`,
      { cause },
    );
  }
}

/** Options of the wasm kind; the defaults come from the environment (see wasm-threads.ts). */
export interface WasmLoadOptions {
  /** Thread count to ask for (1 = the single-threaded build); default `AELAB_WASM_THREADS` or min(2, cores). */
  threads?: number;
  /** Glue file the pthread workers load; only tests change it, to simulate a failure. */
  gluePath?: string;
}

interface WasmModule {
  getThreadsCount?: () => number;
  setThreadsCount?: (threads: number) => void;
}

/** How long a threaded init may take before falling back (it normally takes well under a second). */
const THREADED_INIT_TIMEOUT_MS = 30_000;

// Not tf.getBackend(), which names a backend before its init settles, nor
// tf.findBackend(), which starts an init itself.
function wasmInitialised(): boolean {
  return tf.engine().registry.wasm !== undefined;
}

/**
 * Initialises tfjs-wasm's threaded build with the patches of wasm-threads.ts.
 * Returns undefined on success, else why it failed (tfjs is left uninitialised).
 */
async function initialiseThreaded(wasm: WasmModule, threads: number, gluePath?: string): Promise<string | undefined> {
  const patch = await patchForThreadedInit({ threads, gluePath });
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount?.(threads);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the pthread workers within ${THREADED_INIT_TIMEOUT_MS / 1000} s`)), THREADED_INIT_TIMEOUT_MS);
  });
  try {
    const ok = await Promise.race([tf.setBackend("wasm"), patch.failed, timeout]);
    if (ok) return undefined;
    return "tf.setBackend returned false";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    await patch.restore(wasmInitialised());
    if (!wasmInitialised()) {
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      wasm.setThreadsCount?.(1);
    }
  }
}

async function loadWasm(importer: ModuleImporter, options: WasmLoadOptions): Promise<TfjsRuntime> {
  const wasm = (await importer("@tensorflow/tfjs-backend-wasm")) as WasmModule;
  // Register before the first init so the engine's kernel setup sees it; a no-op if wasm already has one.
  const added = registerConv2dBackpropFilter("wasm") ? ["Conv2DBackpropFilter"] : [];
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const wanted = options.threads ?? (await wasmThreadsFromEnvironment());
  let note = "";
  if (!wasmInitialised() && wanted > 1) {
    const reason = wasmThreadsUnsupportedReason(Boolean(simd)) ?? (await initialiseThreaded(wasm, wanted, options.gluePath));
    if (reason !== undefined) note = `; ${wanted} threads unavailable: ${reason}`;
  }
  await initialise("wasm", "tfjs-backend-wasm");
  const threads = wasm.getThreadsCount?.() ?? 1;
  const detail = `tfjs ${tf.version_core} wasm (${simd ? "simd" : "no simd"}, ${threads} thread${threads === 1 ? "" : "s"}${note})`;
  return { kind: "wasm", tfName: "wasm", detail, threads, addedKernels: added, fastPaths: true, activate: activator("wasm") };
}

async function loadCpu(importer: ModuleImporter): Promise<TfjsRuntime> {
  await importer("@tensorflow/tfjs-backend-cpu");
  await initialise("cpu", "tfjs-backend-cpu");
  // The cpu backend prints a "you are running TensorFlow.js in Node.js" banner on
  // its first write; this flag is how it remembers having done so.
  const instance = tf.findBackend("cpu") as { firstUse?: boolean } | null;
  if (instance && "firstUse" in instance) instance.firstUse = false;
  return {
    kind: "cpu",
    tfName: "cpu",
    detail: `tfjs ${tf.version_core} cpu (pure JS, 1 thread)`,
    threads: 1,
    addedKernels: [],
    fastPaths: true,
    activate: activator("cpu"),
  };
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
  return {
    kind: "node",
    tfName: "tensorflow",
    detail: `tfjs-node ${version} (native libtensorflow)`,
    addedKernels: [],
    fastPaths: false,
    activate: activator("tensorflow"),
  };
}

/**
 * Imports and initialises one tfjs backend; rejects with BACKEND_UNAVAILABLE
 * (or INVALID_CONFIG for a bad AELAB_WASM_THREADS). tfjs-wasm starts its
 * thread pool under Node when more than one thread is wanted, and falls back
 * to one thread, saying why in `detail`, if the pool cannot start.
 */
export function loadRuntime(kind: TfjsKind, importer: ModuleImporter = defaultImporter, options: WasmLoadOptions = {}): Promise<TfjsRuntime> {
  switch (kind) {
    case "wasm":
      return loadWasm(importer, options);
    case "cpu":
      return loadCpu(importer);
    case "node":
      return loadNode(importer);
    default: {
      const unknown: never = kind;
      return Promise.reject(
        new AelabError(ErrorCode.InvalidConfig, `Unknown tfjs backend kind; expected wasm, cpu or node. Received: ${JSON.stringify(unknown)}`),
      );
    }
  }
}
