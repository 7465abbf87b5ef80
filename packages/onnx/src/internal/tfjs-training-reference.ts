/**
 * Test support only (imported by *.test.ts): the training loss of one step
 * written with TensorFlow.js ops (cpu backend, tfjs's own kernels and
 * gradients), so `tf.grads` gives the reference gradients for the ONNX
 * training graphs. Same definitions as backend-tfjs (which this package may
 * not import): channels-last, neutral kernel layouts, BCE with clipByValue,
 * activity L1 on the code, β·KL/D, kernel L1/L2. Nearest upsampling is built
 * from reshape + tile, because tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad
 * is wrong for batches larger than one.
 */
import * as tf from "@tensorflow/tfjs";
import {
  BCE_EPSILON,
  asPair,
  inferShapes,
  parameterInfos,
  type Activation,
  type AutoencoderSpec,
  type Float32Tensor,
  type LayerInfo,
  type NeutralWeights,
} from "@aelab/core";
import { LEAKY_RELU_ALPHA } from "../compatibility.ts";

let ready: Promise<void> | undefined;

/** Selects tfjs's cpu backend once. */
export function tfjsReady(): Promise<void> {
  ready ??= tf.setBackend("cpu").then(() => tf.ready());
  return ready;
}

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "relu":
      return tf.relu(x);
    case "leakyRelu":
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case "elu":
      return tf.elu(x);
    case "gelu":
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "linear":
      return x;
    default: {
      const unknown: never = activation;
      throw new Error(`unknown activation ${String(unknown)}`);
    }
  }
}

function layer(x: tf.Tensor, info: LayerInfo, p: (name: string) => tf.Tensor, prefix: string, mask?: tf.Tensor): tf.Tensor {
  const { layer: l } = info;
  const n = x.shape[0];
  switch (l.type) {
    case "dense":
      return activate(tf.add(tf.matMul(x as tf.Tensor2D, p(`${prefix}.kernel`) as tf.Tensor2D), p(`${prefix}.bias`)), l.activation);
    case "conv2d":
      return activate(
        tf.add(tf.conv2d(x as tf.Tensor4D, p(`${prefix}.kernel`) as tf.Tensor4D, asPair(l.strides), l.padding), p(`${prefix}.bias`)),
        l.activation,
      );
    case "conv2dTranspose": {
      const [oh, ow, oc] = info.outputShape;
      const y = tf.conv2dTranspose(x as tf.Tensor4D, p(`${prefix}.kernel`) as tf.Tensor4D, [n, oh, ow, oc], asPair(l.strides), l.padding);
      return activate(tf.add(y, p(`${prefix}.bias`)), l.activation);
    }
    case "maxPool2d":
      return tf.maxPool(x as tf.Tensor4D, asPair(l.poolSize), asPair(l.strides ?? l.poolSize), l.padding);
    case "upSampling2d": {
      const [fh, fw] = asPair(l.size);
      const [, h, w, c] = x.shape;
      // Rows, then columns, with rank-4 tiles (tfjs has no Tile gradient above rank 5).
      const rows = tf.reshape(tf.tile(tf.reshape(x, [n, h, 1, w * c]), [1, 1, fh, 1]), [n * h * fh, w, 1, c]);
      return tf.reshape(tf.tile(rows, [1, 1, fw, 1]), [n, h * fh, w * fw, c]);
    }
    case "flatten":
    case "reshape":
      return tf.reshape(x, [n, ...info.outputShape]);
    case "dropout":
      return mask ? tf.mul(x, mask) : x;
    default: {
      const unknown: never = l;
      throw new Error(`unknown layer ${JSON.stringify(unknown)}`);
    }
  }
}

export interface TfjsStepInputs {
  input: Float32Tensor;
  target?: Float32Tensor;
  masks?: ReadonlyMap<string, Float32Array>;
  epsilon?: Float32Array;
}

/**
 * The loss of one step and its gradient for every parameter (neutral layouts),
 * by `tf.grads` on tfjs's cpu backend. Call `tfjsReady()` first.
 */
export function tfjsLossAndGradients(
  spec: AutoencoderSpec,
  weights: NeutralWeights,
  inputs: TfjsStepInputs,
): { loss: number; grads: Map<string, Float32Array> } {
  const shapes = inferShapes(spec);
  const infos = parameterInfos(spec);
  const byName = new Map(weights.tensors.map((t) => [t.name, t]));
  const results = tf.tidy(() => {
    const n = inputs.input.shape[0];
    const x = tf.tensor(inputs.input.data, [...inputs.input.shape]);
    const target = inputs.target ? tf.tensor(inputs.target.data, [...inputs.target.shape]) : x;
    const masks = new Map(
      [...(inputs.masks ?? [])].map(([id, m]) => [id, tf.tensor(m, [n, ...(shapes.layers.find((l) => l.id === id) as LayerInfo).inputShape])]),
    );
    const eps = inputs.epsilon ? tf.tensor(inputs.epsilon, [n, shapes.codeSize]) : undefined;
    const d = shapes.inputShape.reduce((a, b) => a * b, 1);
    const f = (...values: tf.Tensor[]): tf.Scalar => {
      const params = new Map(infos.map((q, i) => [q.name, values[i]]));
      const p = (name: string) => params.get(name) as tf.Tensor;
      let h: tf.Tensor = x;
      let logVar: tf.Tensor | undefined;
      for (const info of shapes.layers.filter((l) => l.part === "encoder")) {
        if (info.id === shapes.variationalLayer) logVar = layer(h, info, p, `${info.id}.logvar`);
        h = layer(h, info, p, info.id, masks.get(info.id));
      }
      const code = h;
      if (logVar && eps) h = tf.add(code, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      for (const info of shapes.layers.filter((l) => l.part === "decoder")) h = layer(h, info, p, info.id, masks.get(info.id));
      const out = tf.reshape(h, [n, -1]);
      const t = tf.reshape(target, [n, -1]);
      let perSample: tf.Tensor;
      if (spec.loss === "bce") {
        const q = tf.clipByValue(out, BCE_EPSILON, 1 - BCE_EPSILON);
        perSample = tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(q)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, q)))), 1));
      } else {
        perSample = tf.mean(tf.squaredDifference(out, t), 1);
      }
      const flatCode = tf.reshape(code, [n, -1]);
      if (spec.regularization.activityL1 > 0) perSample = tf.add(perSample, tf.mul(tf.sum(tf.abs(flatCode), 1), spec.regularization.activityL1));
      if (spec.variational && logVar) {
        const kl = tf.mul(tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(code), tf.exp(logVar))), 1), -0.5);
        perSample = tf.add(perSample, tf.mul(kl, spec.variational.beta / d));
      }
      let loss = tf.mean(perSample) as tf.Scalar;
      const { l1, l2 } = spec.regularization;
      for (const q of infos.filter((i) => i.role === "kernel")) {
        if (l1 > 0) loss = tf.add(loss, tf.mul(tf.sum(tf.abs(p(q.name))), l1));
        if (l2 > 0) loss = tf.add(loss, tf.mul(tf.sum(tf.square(p(q.name))), l2));
      }
      return loss;
    };
    const values = infos.map((q) => tf.tensor((byName.get(q.name) as NeutralWeights["tensors"][number]).data, q.shape));
    const { value, grads } = tf.valueAndGrads(f)(values);
    return [value, ...grads];
  });
  const [value, ...grads] = results.map((r) => r.dataSync() as Float32Array);
  tf.dispose(results);
  return { loss: value[0], grads: new Map(infos.map((q, i) => [q.name, grads[i]])) };
}
