/** Inference handler: parameters as plain tfjs tensors, the forward pass in one `tf.tidy` per call. */
import * as tf from "@tensorflow/tfjs-core";
import {
  AelabError,
  ErrorCode,
  inferShapes,
  validateWeights,
  type AutoencoderSpec,
  type Float32Tensor,
  type ModelHandler,
  type NeutralWeights,
  type ScoreMetric,
} from "@aelab/core";
import { buildForward, type ForwardPass } from "./forward.ts";
import { perSampleBce, perSampleMse } from "./losses.ts";
import type { TfjsRuntime } from "./runtime.ts";
import { checkBatch, readFloat32, toTf } from "./tensors.ts";

export class TfjsModelHandler implements ModelHandler {
  private readonly params: Map<string, tf.Tensor>;
  private readonly forward: ForwardPass;
  private readonly inputShape: number[];
  private readonly codeShape: number[];
  private readonly loss: ScoreMetric;
  private disposed = false;

  constructor(
    private readonly runtime: TfjsRuntime,
    spec: AutoencoderSpec,
    weights: NeutralWeights,
  ) {
    validateWeights(spec, weights);
    const shapes = inferShapes(spec);
    this.inputShape = shapes.inputShape;
    this.codeShape = shapes.codeShape;
    this.loss = spec.loss;
    runtime.activate();
    // Copies: tfjs-cpu would otherwise alias the caller's arrays.
    this.params = new Map(weights.tensors.map((t) => [t.name, toTf(t.data.slice(), t.shape)]));
    this.forward = buildForward(spec, (name) => this.params.get(name) as tf.Tensor, { fast: runtime.fastPaths });
  }

  encode(x: Float32Tensor): Promise<Float32Tensor> {
    return this.run(x, this.inputShape, "encode input", (t) => this.forward.encode(t));
  }

  decode(code: Float32Tensor): Promise<Float32Tensor> {
    return this.run(code, this.codeShape, "decode input (the code)", (t) => this.forward.decode(t));
  }

  reconstruct(x: Float32Tensor): Promise<Float32Tensor> {
    return this.run(x, this.inputShape, "reconstruct input", (t) => this.forward.decode(this.forward.encode(t)));
  }

  async score(x: Float32Tensor, metric: ScoreMetric = this.loss): Promise<Float32Array> {
    if (metric !== "mse" && metric !== "bce") {
      throw new AelabError(ErrorCode.InvalidInput, `score metric must be "mse" or "bce". Received: ${JSON.stringify(metric)}`);
    }
    const errors = await this.run(x, this.inputShape, "score input", (t) => {
      const out = this.forward.decode(this.forward.encode(t));
      return metric === "bce" ? perSampleBce(t, out) : perSampleMse(t, out);
    });
    return errors.data;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
  }

  private async run(x: Float32Tensor, sample: number[], what: string, f: (t: tf.Tensor) => tf.Tensor): Promise<Float32Tensor> {
    if (this.disposed)
      throw new AelabError(ErrorCode.InvalidInput, `This ${this.runtime.tfName} model handler has been disposed. Received: a call after dispose()`);
    checkBatch(x, sample, what);
    this.runtime.activate();
    const out = tf.tidy(() => f(toTf(x.data, x.shape)));
    try {
      return await readFloat32(out);
    } finally {
      out.dispose();
    }
  }
}
