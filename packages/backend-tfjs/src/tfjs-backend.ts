/**
 * The TensorFlow.js adapter for the core `Backend` contract: one aelab backend
 * per tfjs backend (`tfjs-wasm`, `tfjs-cpu`, `tfjs-node`), all sharing the
 * process's single tfjs engine (see internal/runtime.ts for the switching rule).
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  AelabError,
  ErrorCode,
  type AutoencoderSpec,
  type Backend,
  type BackendInfo,
  type ModelHandler,
  type ModelOptions,
  type SupportReport,
  type TrainerHandler,
  type TrainerOptions,
} from "@aelab/core";
import { ensureGradients } from "./internal/gradients.ts";
import { TfjsModelHandler } from "./internal/model-handler.ts";
import { missingKernels, requiredKernels } from "./internal/required-kernels.ts";
import { defaultImporter, loadRuntime, type ModuleImporter, type TfjsKind, type TfjsRuntime } from "./internal/runtime.ts";
import { TfjsTrainerHandler } from "./internal/trainer-handler.ts";

export type TfjsBackendKind = TfjsKind;

export interface TfjsBackendOptions {
  /**
   * Imports a module by name; defaults to dynamic `import()`. Lets tests and
   * hosts supply modules another way (e.g. simulate a missing tfjs-node).
   */
  importModule?: ModuleImporter;
}

class TfjsBackend implements Backend {
  readonly name: string;
  private runtime: TfjsRuntime | undefined;
  private loading: Promise<TfjsRuntime> | undefined;

  constructor(
    private readonly kind: TfjsKind,
    private readonly options: TfjsBackendOptions,
  ) {
    this.name = `tfjs-${kind}`;
  }

  async init(): Promise<void> {
    this.loading ??= this.load();
    try {
      this.runtime = await this.loading;
    } catch (error) {
      this.loading = undefined; // a later init() may retry, e.g. after installing tfjs-node
      throw error;
    }
  }

  info(): BackendInfo {
    if (!this.runtime) return { name: this.name, detail: `${this.name} (not initialised)` };
    return { name: this.name, detail: this.runtime.detail, threads: this.runtime.threads };
  }

  supports(spec: AutoencoderSpec, purpose: "infer" | "train"): SupportReport {
    const runtime = this.runtime;
    if (!runtime) return { ok: false, missing: [`${this.name} is not initialised; call init() first`] };
    const needed = requiredKernels(spec, purpose, {
      fast: runtime.fastPaths,
      compositeConv2dBackpropFilter: runtime.addedKernels.includes("Conv2DBackpropFilter"),
    });
    const available = new Set(tf.getKernelsForBackend(runtime.tfName).map((k) => k.kernelName));
    const missing = missingKernels(needed, available, runtime.tfName);
    if (purpose === "train") {
      for (const [name, why] of requiredKernels(spec, "infer")) {
        if (tf.getGradient(name) === undefined) missing.push(`no gradient is registered for kernel '${name}' (needed by ${why})`);
      }
    }
    return { ok: missing.length === 0, missing };
  }

  async createModel(options: ModelOptions): Promise<ModelHandler> {
    const runtime = this.ready("infer", options.spec);
    return new TfjsModelHandler(runtime, options.spec, options.weights);
  }

  async createTrainer(options: TrainerOptions): Promise<TrainerHandler> {
    const runtime = this.ready("train", options.spec);
    return new TfjsTrainerHandler(runtime, options);
  }

  private async load(): Promise<TfjsRuntime> {
    const importer = this.options.importModule ?? defaultImporter;
    const runtime = await loadRuntime(this.kind, importer);
    await ensureGradients(importer);
    return runtime;
  }

  private ready(purpose: "infer" | "train", spec: AutoencoderSpec): TfjsRuntime {
    if (!this.runtime) {
      throw new AelabError(
        ErrorCode.BackendUnavailable,
        `${this.name} is not initialised; await init() (or resolve it through a BackendRegistry) first. Received: a call before init()`,
      );
    }
    const report = this.supports(spec, purpose);
    if (!report.ok) {
      throw new AelabError(
        ErrorCode.BackendCapability,
        `${this.name} cannot ${purpose === "train" ? "train" : "run"} model "${spec.name}": ${report.missing.join("; ")}. Received: spec ${spec.name}`,
        {
          details: { missing: report.missing },
        },
      );
    }
    return this.runtime;
  }
}

/**
 * Creates an aelab backend over one TensorFlow.js backend. Nothing is imported
 * or initialised until `init()`.
 *
 * All tfjs backends share the process's one tfjs engine, whose active backend
 * is global. Every handler therefore switches the engine to its own backend
 * (synchronously, once `init()` has run) at the start of each call and runs
 * its ops without awaiting in between, so handlers on different tfjs backends
 * can be used concurrently. Code that calls `tf.setBackend` itself should
 * expect the active backend to change under it.
 *
 * @example
 * const backend = createTfjsBackend("wasm");
 * await backend.init();
 * backend.info().detail; // "tfjs 4.22.0 wasm (simd, 1 thread)"
 * const trainer = await backend.createTrainer!({ spec, weights: initializeWeights(spec, 42), optimizer, seed: 42 });
 * const loss = await trainer.trainBatch(batch);
 */
export function createTfjsBackend(kind: TfjsBackendKind, options: TfjsBackendOptions = {}): Backend {
  if (kind !== "wasm" && kind !== "cpu" && kind !== "node") {
    throw new AelabError(ErrorCode.InvalidConfig, `Unknown tfjs backend kind; expected "wasm", "cpu" or "node". Received: ${JSON.stringify(kind)}`);
  }
  return new TfjsBackend(kind, options);
}
