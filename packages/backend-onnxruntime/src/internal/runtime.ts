/**
 * The seam between the shared handler code and the two ONNX Runtime packages
 * (onnxruntime-node, onnxruntime-web): load the module lazily, make a session
 * from bytes, run one float32 input to the float32 outputs asked for (inference),
 * or many runtime tensors to runtime tensors (training, where a step's outputs
 * are fed to the next step without passing through copies of our own).
 */
import type { Float32Tensor } from "@aelab/core";

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "all";

/** Options shared by the node and web entries. */
export interface OnnxruntimeOptions {
  /** Intra-op threads (node) or WebAssembly threads (web; default 1, since more need cross-origin isolation). */
  threads?: number;
  /** Graph optimisation level for every session. Default "all". */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** Execution providers in order of preference. Default ["cpu"] (node) or ["wasm"] (web). */
  executionProviders?: string[];
}

export interface SessionConfig {
  threads?: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  executionProviders: string[];
}

/** A tensor of the loaded package (an onnxruntime-common `Tensor`); float32 data on the CPU. */
export interface RuntimeTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}

export interface RuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs one input and returns the requested outputs by name, copied out of the runtime's buffers. */
  run(input: string, outputs: readonly string[], x: Float32Tensor): Promise<Record<string, Float32Tensor>>;
  /** Runs named runtime tensors and returns the requested outputs as runtime tensors. */
  runTensors(feeds: Readonly<Record<string, RuntimeTensor>>, outputs: readonly string[]): Promise<Record<string, RuntimeTensor>>;
  release(): Promise<void>;
}

export interface OrtRuntime {
  /** "onnxruntime-node" or "onnxruntime-web". */
  readonly packageName: string;
  /** Imports the package (once); rejects when it cannot load. */
  load(): Promise<void>;
  /** e.g. "onnxruntime-node 1.30.0"; valid after load(). */
  describe(): string;
  createSession(bytes: Uint8Array, config: SessionConfig): Promise<RuntimeSession>;
  /** A float32 runtime tensor over `data` (onnxruntime-node reads it in place; onnxruntime-web copies it per run). */
  tensor(data: Float32Array, dims: readonly number[]): RuntimeTensor;
  /**
   * The requested execution providers this installation can use (missing ones
   * dropped, with the reason); throws BACKEND_UNAVAILABLE when none can run.
   * Runtimes without optional providers leave it out.
   */
  resolveProviders?(requested: readonly string[]): { usable: string[]; dropped: { name: string; reason: string }[] };
}
