/**
 * The training loss of one step in float64, with TensorFlow.js semantics:
 * the reference forward pass in training mode (dropout multiplies by the fed
 * mask; a VAE decodes z = μ + exp(½·lv)·ε), then the objective of
 * backend-tfjs: the batch mean of reconstruction (+ activity L1 on the code,
 * + β·KL/D) plus the kernels' L1/L2 penalty. Finite differences of this
 * function check the ONNX training graphs' gradients.
 */
import { BCE_EPSILON, inferShapes, shapeSize, validateWeights, weightsMap, type AutoencoderSpec, type Float32Tensor, type NeutralWeights } from "@aelab/core";
import { applyLayer, type Value } from "./reference-forward.ts";

export interface ReferenceTrainingLossOptions {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  /** What the encoder sees, channels-last (a denoising model's corrupted batch). */
  input: Float32Tensor;
  /** The clean target; defaults to `input`. */
  target?: Float32Tensor;
  /** Dropout multipliers by layer id, channels-last (`drawTrainingRandomness`); absent layers are the identity. */
  masks?: ReadonlyMap<string, Float32Array>;
  /** A VAE's ε, [batch, code size]; without it the decoder reads the mean. */
  epsilon?: Float32Array;
}

/**
 * The step's loss in float64.
 *
 * @example
 * const loss = referenceTrainingLoss({ spec, weights, input: batch, masks: draws.dropout, epsilon: draws.epsilon });
 */
export function referenceTrainingLoss(options: ReferenceTrainingLossOptions): number {
  const { spec, weights, input } = options;
  validateWeights(spec, weights);
  const shapes = inferShapes(spec);
  const batch = input.shape[0];
  const params = weightsMap(weights);
  const lookup = (prefix: string) => (role: "kernel" | "bias") => (params.get(`${prefix}.${role}`) as NeutralWeights["tensors"][number]).data;
  let v: Value = { data: Float64Array.from(input.data), shape: [...shapes.inputShape] };
  let logVar: Value | undefined;
  const run = (part: "encoder" | "decoder") => {
    for (const info of shapes.layers.filter((l) => l.part === part)) {
      if (info.id === shapes.variationalLayer) logVar = applyLayer(v, batch, info.layer, lookup(`${info.id}.logvar`));
      const mask = info.layer.type === "dropout" ? options.masks?.get(info.id) : undefined;
      v = mask ? { data: v.data.map((x, i) => x * mask[i]), shape: v.shape } : applyLayer(v, batch, info.layer, lookup(info.id));
    }
  };
  run("encoder");
  const code = v;
  if (logVar && options.epsilon) {
    const eps = options.epsilon;
    const lv = logVar.data;
    v = { data: code.data.map((m, i) => m + Math.exp(0.5 * lv[i]) * eps[i]), shape: code.shape };
  }
  run("decoder");
  const target = options.target ?? input;
  const d = shapeSize(shapes.inputShape);
  let total = 0;
  for (let i = 0; i < v.data.length; i++) {
    const t = target.data[i];
    if (spec.loss === "bce") {
      const p = Math.min(Math.max(v.data[i], BCE_EPSILON), 1 - BCE_EPSILON);
      total -= (t * Math.log(p) + (1 - t) * Math.log(1 - p)) / d;
    } else {
      total += (v.data[i] - t) ** 2 / d;
    }
  }
  const a = spec.regularization.activityL1;
  for (const c of code.data) total += a * Math.abs(c);
  if (spec.variational && logVar) {
    const beta = spec.variational.beta;
    for (let i = 0; i < code.data.length; i++) {
      const lv = logVar.data[i];
      total += (beta / d) * -0.5 * (1 + lv - code.data[i] ** 2 - Math.exp(lv));
    }
  }
  let penalty = 0;
  const { l1, l2 } = spec.regularization;
  for (const p of shapes.layers.flatMap((l) => l.params)) {
    if (p.role !== "kernel") continue;
    for (const w of (params.get(p.name) as NeutralWeights["tensors"][number]).data) penalty += l1 * Math.abs(w) + l2 * w * w;
  }
  return total / batch + penalty;
}
