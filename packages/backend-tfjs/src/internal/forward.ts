/**
 * The functional forward pass: tfjs-core ops over parameters named as
 * `parameterInfos(spec)` names them, in the neutral layouts of
 * `@aelab/core` weights (dense [in,out]; conv2d [kh,kw,in,out];
 * conv2dTranspose [kh,kw,out,in], which is tfjs's own conv2dTranspose layout).
 * Layer output shapes come from core's `inferShapes`, so they match by construction.
 *
 * Only functional ops are used: tfjs-core without chained ops has no `t.reshape()`.
 */
import * as tf from "@tensorflow/tfjs-core";
import { AelabError, ErrorCode, asPair, inferShapes, type Activation, type AutoencoderSpec, type LayerInfo } from "@aelab/core";
import { denseMatMul } from "./dense-matmul.ts";
import { biasAddFast, conv2dFast, conv2dTransposeFast, maxPoolFast } from "./fast-conv.ts";

/**
 * Negative slope of `leakyRelu`: Keras 3's `leaky_relu` activation default
 * (`negative_slope=0.2`), which is also tfjs's default.
 */
export const LEAKY_RELU_ALPHA = 0.2;

/** Looks a parameter up by its neutral name, e.g. `encoder.0.kernel`. */
export type ParamSource = (name: string) => tf.Tensor;

export interface ForwardOptions {
  /**
   * Use aelab's layer ops with the same values and gradients as tfjs's, but
   * routed around slow or buggy kernels (see dense-matmul.ts, fast-conv.ts,
   * host-ops.ts). On for wasm and cpu; tfjs-node runs tfjs's own ops.
   */
  fast?: boolean;
}

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "relu":
      return tf.relu(x);
    case "leakyRelu":
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case "elu":
      return tf.elu(x);
    case "gelu":
      // Exact GELU (Keras 3 default, approximate=False): 0.5·x·(1 + erf(x/√2)).
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "linear":
      return x;
    default: {
      const unknown: never = activation;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown activation. Received: ${String(unknown)}`);
    }
  }
}

/**
 * Training-time inputs of the forward pass, drawn by core's
 * `drawTrainingRandomness` so they are the same on every backend. Without a
 * context the pass is the inference pass: dropout is the identity.
 */
export interface TrainingContext {
  /** Per dropout layer id, the multiplier for its input (0, or 1/(1 − rate)), shaped like that input. */
  dropout?: ReadonlyMap<string, tf.Tensor>;
}

function applyLayer(x: tf.Tensor, info: LayerInfo, param: ParamSource, options: ForwardOptions, inputNeedsGrad: boolean, context?: TrainingContext): tf.Tensor {
  const { layer, id } = info;
  const batch = x.shape[0];
  switch (layer.type) {
    case "dense": {
      const kernel = param(`${id}.kernel`) as tf.Tensor2D;
      const z = tf.add(denseMatMul(x as tf.Tensor2D, kernel, options.fast ?? false, inputNeedsGrad), param(`${id}.bias`));
      return activate(z, layer.activation);
    }
    case "conv2d": {
      const [w, b] = [param(`${id}.kernel`) as tf.Tensor4D, param(`${id}.bias`) as tf.Tensor1D];
      const strides = asPair(layer.strides);
      const z = options.fast
        ? biasAddFast(conv2dFast(x as tf.Tensor4D, w, strides, layer.padding, inputNeedsGrad), b)
        : tf.add(tf.conv2d(x as tf.Tensor4D, w, strides, layer.padding), b);
      return activate(z, layer.activation);
    }
    case "conv2dTranspose": {
      const [w, b] = [param(`${id}.kernel`) as tf.Tensor4D, param(`${id}.bias`) as tf.Tensor1D];
      const [oh, ow, oc] = info.outputShape;
      const outShape: [number, number, number, number] = [batch, oh, ow, oc];
      const strides = asPair(layer.strides);
      const z = options.fast
        ? biasAddFast(conv2dTransposeFast(x as tf.Tensor4D, w, outShape, strides, layer.padding), b)
        : tf.add(tf.conv2dTranspose(x as tf.Tensor4D, w, outShape, strides, layer.padding), b);
      return activate(z, layer.activation);
    }
    case "maxPool2d": {
      const [pool, strides] = [asPair(layer.poolSize), asPair(layer.strides ?? layer.poolSize)];
      return options.fast ? maxPoolFast(x as tf.Tensor4D, pool, strides, layer.padding) : tf.maxPool(x as tf.Tensor4D, pool, strides, layer.padding);
    }
    case "upSampling2d":
      return upSampleNearest(x as tf.Tensor4D, asPair(layer.size));
    case "flatten":
    case "reshape":
      return tf.reshape(x, [batch, ...info.outputShape]);
    case "dropout": {
      const mask = context?.dropout?.get(id);
      return mask ? tf.mul(x, mask) : x;
    }
    default: {
      const unknown: never = layer;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown layer type. Received: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Nearest-neighbour upsampling by integer factors (Keras UpSampling2D; legacy
 * and half-pixel sampling pick the same pixels for integer factors). The
 * gradient is the sum over each fh×fw block, computed as an average pool:
 * tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad indexes `dy` with the
 * input's batch stride and is wrong for batches larger than one.
 */
function upSampleNearest(x: tf.Tensor4D, [fh, fw]: [number, number]): tf.Tensor4D {
  const [, h, w] = x.shape;
  const op = tf.customGrad((input) => ({
    value: tf.image.resizeNearestNeighbor(input as tf.Tensor4D, [h * fh, w * fw]),
    gradFunc: (dy) => tf.mul(tf.avgPool(dy as tf.Tensor4D, [fh, fw], [fh, fw], "valid"), fh * fw),
  }));
  return op(x) as tf.Tensor4D;
}

/** The code's distribution: for a VAE the mean and log-variance heads; otherwise the code itself as `mean`. */
export interface CodeDistribution {
  mean: tf.Tensor;
  logVar?: tf.Tensor;
}

/** The encoder and decoder as functions of a batch tensor. Call inside `tf.tidy`. */
export interface ForwardPass {
  /** The code (a VAE's mean: inference never samples). */
  encode(x: tf.Tensor, context?: TrainingContext): tf.Tensor;
  encodeDistribution(x: tf.Tensor, context?: TrainingContext): CodeDistribution;
  decode(code: tf.Tensor, context?: TrainingContext): tf.Tensor;
  layers: LayerInfo[];
}

export function buildForward(spec: AutoencoderSpec, param: ParamSource, options: ForwardOptions = {}): ForwardPass {
  const { layers, variationalLayer } = inferShapes(spec);
  // A VAE's log-variance head is its last encoder layer again, over the `<id>.logvar.*` parameters.
  const logVarParam: ParamSource = (name) => param(name.replace(/\.(kernel|bias)$/, ".logvar.$1"));
  // The encoder's input is data; the decoder's (in training) is the code, which depends on parameters.
  const run = (part: "encoder" | "decoder", x: tf.Tensor, context: TrainingContext | undefined, withLogVar = false): CodeDistribution => {
    let y = x;
    let logVar: tf.Tensor | undefined;
    let needsGrad = part === "decoder";
    for (const info of layers) {
      if (info.part !== part) continue;
      if (withLogVar && info.id === variationalLayer) logVar = applyLayer(y, info, logVarParam, options, needsGrad, context);
      y = applyLayer(y, info, param, options, needsGrad, context);
      needsGrad ||= info.params.length > 0;
    }
    return { mean: y, logVar };
  };
  return {
    encode: (x, context) => run("encoder", x, context).mean,
    encodeDistribution: (x, context) => run("encoder", x, context, true),
    decode: (code, context) => run("decoder", code, context).mean,
    layers,
  };
}
