/**
 * The compute backend contract. A backend is a name, an `init()`, and factories
 * that return handlers. A backend that cannot train simply has no
 * `createTrainer` (as Keras's NumPy backend is inference-only).
 *
 * Arguments are validated and shapes inferred in core before a backend is
 * touched, so adapters receive checked input.
 */
import type { AutoencoderSpec, OptimizerConfig } from "./spec.ts";
import type { Float32Tensor } from "./tensor.ts";
import type { NeutralWeights } from "./weights.ts";

export interface BackendInfo {
  /** Registry name, e.g. `tfjs-wasm`. */
  name: string;
  /** What actually runs, e.g. `tfjs 4.22.0 wasm (simd, 1 thread)`. */
  detail: string;
  threads?: number;
}

/** Why a backend cannot run a given spec, checked before training starts. */
export interface SupportReport {
  ok: boolean;
  /** Human-readable reasons, e.g. missing gradient kernels. */
  missing: string[];
}

export interface ModelOptions {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
}

/** Which per-sample reconstruction error `score` returns; defaults to the spec's loss. */
export type ScoreMetric = "mse" | "bce";

/**
 * Inference handler: encode, decode, reconstruct, score. A VAE's `encode`
 * returns the code's mean; inference never samples.
 */
export interface ModelHandler {
  encode(x: Float32Tensor): Promise<Float32Tensor>;
  decode(code: Float32Tensor): Promise<Float32Tensor>;
  reconstruct(x: Float32Tensor): Promise<Float32Tensor>;
  /**
   * Per-sample reconstruction error (mean over features; BCE with clipped
   * probabilities), the anomaly score: one value per row of `x`.
   */
  score(x: Float32Tensor, metric?: ScoreMetric): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface TrainerOptions {
  spec: AutoencoderSpec;
  /** Initial weights (see `initializeWeights`). */
  weights: NeutralWeights;
  optimizer: OptimizerConfig;
  /** Seeds training-time randomness (noise, dropout masks, the VAE's ε) through `drawTrainingRandomness`. */
  seed: number;
}

/** Sums over a batch, so a caller can average over any number of batches. */
export interface EvaluationSums {
  count: number;
  /** Sum over samples of the per-sample training loss (including regularisation). */
  loss: number;
  /** Sum over samples of per-sample mean squared error. */
  mse: number;
  /** Sum over samples of per-sample mean binary cross-entropy (clipped). */
  bce: number;
  /** VAE only: sum over samples of the KL divergence of the code's posterior from N(0, I), in nats. */
  kl?: number;
}

/** Training handler: one optimisation step at a time; the loop lives in `@aelab/training`. */
export interface TrainerHandler {
  /** Runs one step on `batch` (inputs are also the targets) and returns the mean loss. */
  trainBatch(batch: Float32Tensor): Promise<number>;
  evaluate(batch: Float32Tensor): Promise<EvaluationSums>;
  getWeights(): Promise<NeutralWeights>;
  setLearningRate(learningRate: number): void;
  dispose(): Promise<void>;
}

export interface Backend {
  readonly name: string;
  init(): Promise<void>;
  info(): BackendInfo;
  /** Checks, before any training, whether this backend can run (and train) `spec`. */
  supports(spec: AutoencoderSpec, purpose: "infer" | "train"): SupportReport;
  createModel(options: ModelOptions): Promise<ModelHandler>;
  createTrainer?(options: TrainerOptions): Promise<TrainerHandler>;
}
