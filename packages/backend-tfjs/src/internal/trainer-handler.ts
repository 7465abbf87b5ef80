/**
 * Training handler: parameters as tf.Variables, one `optimizer.minimize` per
 * step inside `tf.tidy`, and a single read of the loss per step.
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  AelabError,
  ErrorCode,
  Random,
  drawTrainingRandomness,
  inferShapes,
  parameterInfos,
  validateWeights,
  type AutoencoderSpec,
  type EvaluationSums,
  type Float32Tensor,
  type NeutralWeights,
  type OptimizerConfig,
  type ShapeReport,
  type TrainerHandler,
  type TrainingDraws,
} from "@aelab/core";
import { buildForward, type ForwardPass, type TrainingContext } from "./forward.ts";
import { perSampleBce, perSampleMse, perSampleObjective, weightPenalty } from "./losses.ts";
import { createOptimizer, type TfOptimizer } from "./optimizer.ts";
import type { TfjsRuntime } from "./runtime.ts";
import { checkBatch, toTf } from "./tensors.ts";

export interface TrainerSetup {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  optimizer: OptimizerConfig;
  seed: number;
}

export class TfjsTrainerHandler implements TrainerHandler {
  private readonly spec: AutoencoderSpec;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly varList: tf.Variable[];
  private readonly kernels: tf.Variable[];
  private readonly forward: ForwardPass;
  private readonly optimizer: TfOptimizer;
  private readonly rng: Random;
  private readonly shapes: ShapeReport;
  private disposed = false;

  constructor(
    private readonly runtime: TfjsRuntime,
    setup: TrainerSetup,
  ) {
    const { spec, weights } = setup;
    validateWeights(spec, weights);
    this.spec = spec;
    this.shapes = inferShapes(spec);
    this.rng = new Random(setup.seed);
    runtime.activate();
    const byName = new Map(weights.tensors.map((t) => [t.name, t]));
    for (const p of parameterInfos(spec)) {
      const t = byName.get(p.name) as NeutralWeights["tensors"][number];
      // tf.variable copies its initial value, so the caller's arrays stay untouched.
      this.variables.set(
        p.name,
        tf.tidy(() => tf.variable(toTf(t.data.slice(), p.shape), true)),
      );
    }
    this.varList = [...this.variables.values()];
    this.kernels = parameterInfos(spec)
      .filter((p) => p.role === "kernel")
      .map((p) => this.variables.get(p.name) as tf.Variable);
    this.forward = buildForward(spec, (name) => this.variables.get(name) as tf.Variable, { fast: runtime.fastPaths });
    this.optimizer = createOptimizer(setup.optimizer);
  }

  async trainBatch(batch: Float32Tensor): Promise<number> {
    this.check(batch, "trainBatch input");
    const n = batch.shape[0];
    const draws = drawTrainingRandomness(this.spec, this.shapes, batch.data, n, this.rng);
    this.runtime.activate();
    const cost = tf.tidy(() => {
      const target = toTf(batch.data, batch.shape);
      const x = draws.input ? toTf(draws.input, batch.shape) : target;
      const loss = () => this.loss(x, target, draws);
      // A spec without parameters has nothing to update; minimize would throw.
      return this.varList.length > 0 ? (this.optimizer.optimizer.minimize(loss, true, this.varList) as tf.Scalar) : loss();
    });
    try {
      // NaN and ±Infinity are returned as they are; the training loop decides what to do.
      return (await cost.data())[0];
    } finally {
      cost.dispose();
    }
  }

  async evaluate(batch: Float32Tensor): Promise<EvaluationSums> {
    this.check(batch, "evaluate input");
    this.runtime.activate();
    // Evaluation is deterministic: no noise, no dropout, and a VAE decodes its mean.
    const sums = tf.tidy(() => {
      const x = toTf(batch.data, batch.shape);
      const { mean: code, logVar } = this.forward.encodeDistribution(x);
      const out = this.forward.decode(code);
      const { loss, kl } = perSampleObjective(this.spec, { target: x, output: out, code, logVar });
      const penalty = weightPenalty(this.spec, this.kernels) ?? tf.scalar(0);
      return tf.stack([tf.sum(loss), tf.sum(perSampleMse(x, out)), tf.sum(perSampleBce(x, out)), penalty, kl ? tf.sum(kl) : tf.scalar(0)]);
    });
    try {
      const [loss, mse, bce, penalty, kl] = await sums.data();
      const count = batch.shape[0];
      return { count, loss: loss + count * penalty, mse, bce, ...(this.spec.variational ? { kl } : {}) };
    } finally {
      sums.dispose();
    }
  }

  async getWeights(): Promise<NeutralWeights> {
    this.checkLive();
    const tensors = await Promise.all(
      parameterInfos(this.spec).map(async (p) => {
        const values = await (this.variables.get(p.name) as tf.Variable).data();
        return { name: p.name, shape: [...p.shape], data: Float32Array.from(values as Float32Array) };
      }),
    );
    return { format: "aelab-weights/1", tensors };
  }

  setLearningRate(learningRate: number): void {
    this.checkLive();
    this.runtime.activate();
    this.optimizer.setLearningRate(learningRate);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.optimizer.dispose();
    for (const v of this.varList) v.dispose();
    this.variables.clear();
  }

  /**
   * Mean per-sample loss plus penalties, as a function of the parameters. A
   * VAE decodes z = mean + exp(½·logVar)·ε (reparameterisation), so gradients
   * reach both heads.
   */
  private loss(x: tf.Tensor, target: tf.Tensor, draws: TrainingDraws): tf.Scalar {
    const n = x.shape[0];
    const context: TrainingContext = {
      dropout: new Map([...draws.dropout].map(([id, mask]) => [id, toTf(mask, [n, ...this.layerInput(id)])])),
    };
    const { mean: code, logVar } = this.forward.encodeDistribution(x, context);
    const z = logVar && draws.epsilon ? tf.add(code, tf.mul(tf.exp(tf.mul(logVar, 0.5)), toTf(draws.epsilon, code.shape))) : code;
    const out = this.forward.decode(z, context);
    const mean = tf.mean(perSampleObjective(this.spec, { target, output: out, code, logVar }).loss) as tf.Scalar;
    const penalty = weightPenalty(this.spec, this.kernels);
    return penalty ? tf.add(mean, penalty) : mean;
  }

  private layerInput(id: string): number[] {
    return (this.shapes.layers.find((l) => l.id === id) as ShapeReport["layers"][number]).inputShape;
  }

  private checkLive(): void {
    if (this.disposed) {
      throw new AelabError(ErrorCode.InvalidInput, `This ${this.runtime.tfName} trainer has been disposed. Received: a call after dispose()`);
    }
  }

  private check(batch: Float32Tensor, what: string): void {
    this.checkLive();
    checkBatch(batch, this.shapes.inputShape, what);
  }
}
