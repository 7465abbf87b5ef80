/**
 * Why this file exists: tfjs-backend-wasm 4.22 ships a multithreaded build
 * (emscripten pthreads + SIMD, XNNPACK's thread pool) but never runs it under
 * Node, for four reasons, each worked around here for the length of one init:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` answers false whenever `IS_NODE`
 *    (tfjs issue #3830). We set the flag ourselves after our own probe.
 * 2. Its pthread workers are created with `new Worker(blob: URL)`, which
 *    Node's `worker_threads` rejects (ERR_WORKER_PATH). A `Worker` shim runs
 *    the same worker source with `eval: true` instead.
 * 3. Each worker is told to `importScripts` a Blob of the glue taken from the
 *    rollup bundle, whose text refers to the bundle's `require$$0…4`
 *    variables and cannot run alone. The shim points workers at the package's
 *    own emscripten glue file (same build, same import table) instead.
 * 4. The C++ side caps the pool at `emscripten_num_logical_cores() / 2`, i.e.
 *    `os.cpus().length / 2`: one thread on a 2-core machine. `os.cpus` reports
 *    at least twice the wanted count while the module starts.
 *
 * Running pthreads `ref()` their worker; the shim makes that a no-op so the
 * pool never keeps a CLI or test process alive (workers block only while the
 * main thread is itself blocked inside a wasm call).
 */
import type { Worker } from "node:worker_threads";
import { AelabError, ErrorCode } from "@aelab/core";

/** Environment variable that sets the tfjs-wasm thread count (1 = single-threaded build). */
export const WASM_THREADS_ENV = "AELAB_WASM_THREADS";
/** The 4.22 build pre-spawns exactly 8 pthread workers (PTHREAD_POOL_SIZE) and caps the pool there. */
export const MAX_WASM_THREADS = 8;

const PACKAGE = "@tensorflow/tfjs-backend-wasm";
const GLUE = `${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.js`;
const WORKER_SOURCE = `${PACKAGE}/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`;

// A wasm module using shared memory and an atomic op (from wasm-feature-detect, as tfjs uses).
const THREADS_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11,
]);

/**
 * The thread count to ask for: `AELAB_WASM_THREADS` if set, else min(2, cores).
 * Throws INVALID_CONFIG for a value that is not an integer in 1..8.
 */
export function wasmThreadsWanted(value: string | undefined, cores: number): number {
  if (value === undefined || value.trim() === "") return Math.max(1, Math.min(2, cores));
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new AelabError(ErrorCode.InvalidConfig, `${WASM_THREADS_ENV} must be an integer from 1 to ${MAX_WASM_THREADS}. Received: ${JSON.stringify(value)}`);
  }
  return n;
}

/** `wasmThreadsWanted` for this process: 1 outside Node, else from the variable and the core count. */
export async function wasmThreadsFromEnvironment(): Promise<number> {
  if (!isNode()) return 1;
  const os = await import("node:os");
  return wasmThreadsWanted(process.env[WASM_THREADS_ENV], os.availableParallelism());
}

function isNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

/** Why the threaded build cannot run here, or undefined if it can (Node only). */
export function wasmThreadsUnsupportedReason(simd: boolean): string | undefined {
  if (!isNode()) return "not running under Node";
  if (typeof SharedArrayBuffer === "undefined") return "SharedArrayBuffer is not available";
  if (!simd) return "the threaded build needs wasm SIMD";
  try {
    if (!WebAssembly.validate(THREADS_PROBE)) return "this WebAssembly engine lacks threads (atomics)";
  } catch (error) {
    return `WebAssembly.validate failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}

type NodeWorker = Worker;
type WorkerCtor = typeof Worker;

/** The patches in force during one threaded init; `restore()` undoes them. */
export interface ThreadedInitPatch {
  /** Rejects with the first error a pthread worker reports during the init (never resolves otherwise). */
  failed: Promise<never>;
  /**
   * Puts back `globalThis.Worker` and `os.cpus`. After a success, later worker
   * errors take the glue's own path again; after a failure, every worker the
   * shim created is terminated and its errors stay swallowed.
   */
  restore(succeeded: boolean): Promise<void>;
}

export interface ThreadedInitOptions {
  threads: number;
  /** The emscripten glue workers load; tests point it elsewhere to simulate a failure. */
  gluePath?: string;
}

/** Installs the Worker shim and the core-count patch for one `tf.setBackend("wasm")`. */
export async function patchForThreadedInit(options: ThreadedInitOptions): Promise<ThreadedInitPatch> {
  // Imported here, not at the top, so that importing this package never loads Node modules.
  const [workerThreads, os, { createRequire }] = await Promise.all([import("node:worker_threads"), import("node:os"), import("node:module")]);
  const require = createRequire(import.meta.url);
  const gluePath = options.gluePath ?? require.resolve(GLUE);
  // The worker source is a template literal whose "\n" escapes became newlines; tfjs re-escapes them the same way.
  const source = (require(WORKER_SOURCE) as { wasmWorkerContents: string }).wasmWorkerContents.replace(/\n/g, "\\n");

  let reject: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, r) => (reject = r));
  failed.catch(() => undefined); // observed by the caller's race; never an unhandled rejection
  const workers: NodeWorker[] = [];
  const ctx: ShimContext = { source, gluePath, workers, initialising: true, onError: (e) => reject(e) };
  const ShimWorker = shimWorkerClass(workerThreads.Worker, ctx);

  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  // An accessor, because the glue assigns `global.Worker = worker_threads.Worker` before spawning.
  Object.defineProperty(globalThis, "Worker", { configurable: true, get: () => ShimWorker, set: () => undefined });
  const mod = os.default;
  const realCpus = mod.cpus;
  mod.cpus = () => {
    const cpus = realCpus();
    while (cpus.length > 0 && cpus.length < 2 * options.threads) cpus.push(cpus[0]);
    return cpus;
  };
  return {
    failed,
    async restore(succeeded) {
      mod.cpus = realCpus;
      if (previousWorker) Object.defineProperty(globalThis, "Worker", previousWorker);
      else delete (globalThis as { Worker?: unknown }).Worker;
      if (succeeded) ctx.initialising = false;
      else await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

interface ShimContext {
  source: string;
  gluePath: string;
  workers: NodeWorker[];
  initialising: boolean;
  onError: (error: Error) => void;
}

function shimWorkerClass(Base: WorkerCtor, ctx: ShimContext): WorkerCtor {
  class ShimWorker extends Base {
    constructor() {
      // The glue passes a blob: URL; the source is the same, so it runs from memory.
      super(ctx.source, { eval: true });
      ctx.workers.push(this);
    }
    override postMessage(message: unknown, transferList?: Parameters<NodeWorker["postMessage"]>[1]): void {
      const m = message as { cmd?: string } | null;
      super.postMessage(m?.cmd === "load" ? { ...m, urlOrBlob: ctx.gluePath } : message, transferList);
    }
    override ref(): void {
      // Running pthreads must not keep the process alive; see the file comment.
    }
    override on(event: string | symbol, listener: (...args: never[]) => void): this {
      // During the init, the glue's error listener would rethrow from an event handler
      // and crash the process; the caller falls back instead. Afterwards a pthread that
      // dies would leave the pool waiting forever, so the glue's crash is the better end.
      if (event === "error") return super.on("error", (error: Error) => (ctx.initialising ? ctx.onError(error) : (listener as (e: Error) => void)(error)));
      return super.on(event, listener as (...args: unknown[]) => void);
    }
  }
  return ShimWorker as unknown as WorkerCtor;
}
