/**
 * A pure-TypeScript forward pass with TensorFlow.js semantics for every layer
 * type, used as the ground truth that exported ONNX models (and any backend)
 * are compared against. Float64 inside, float32 out. Slow but obvious.
 * Inference semantics: dropout is the identity, and a VAE's code is its mean
 * (the log-variance head is computed for the encoder only).
 */
import {
  AelabError,
  ErrorCode,
  asPair,
  formatShape,
  inferShapes,
  shapeSize,
  validateWeights,
  weightsMap,
  type AutoencoderSpec,
  type Float32Tensor,
  type LayerSpec,
  type NeutralWeights,
} from "@aelab/core";
import { activate, conv2d, conv2dTranspose, dense, maxPool2d, upSampling2d, type Images } from "./reference-kernels.ts";

export interface ReferenceForwardOptions {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  part: "encoder" | "decoder" | "full";
  /** Channels-last batch: [batch, ...input shape] (or [batch, ...code shape] for the decoder). */
  input: Float32Tensor;
}

/** Every output of one part, as the exported ONNX graph has them. */
export interface ReferenceOutputs {
  /** The encoder's code (a VAE's mean), the decoder's or full model's reconstruction. */
  output: Float32Tensor;
  /** A VAE encoder's second output, the code's log-variance; absent for other parts and models. */
  logvar?: Float32Tensor;
}

/** One batch inside the reference pass (exported for the reference training loss). */
export interface Value {
  data: Float64Array;
  /** Shape of one sample, channels last. */
  shape: number[];
}

/**
 * Runs `part` of the autoencoder on `input` with TensorFlow.js semantics and
 * returns its main output (for a VAE encoder, the code's mean).
 *
 * @example
 * const code = referenceForward({ spec, weights, part: "encoder", input: tensor(x, [7, 28, 28, 1]) });
 */
export function referenceForward(options: ReferenceForwardOptions): Float32Tensor {
  return referenceOutputs(options).output;
}

/**
 * Like `referenceForward`, with the VAE encoder's log-variance as well.
 *
 * @example
 * const { output: mean, logvar } = referenceOutputs({ spec: vae, weights, part: "encoder", input: x });
 */
export function referenceOutputs(options: ReferenceForwardOptions): ReferenceOutputs {
  const { spec, weights, part, input } = options;
  const shapes = inferShapes(spec);
  validateWeights(spec, weights);
  const inputShape = part === "decoder" ? shapes.codeShape : shapes.inputShape;
  const sample = input.shape.slice(1);
  if (input.shape.length < 1 || sample.length !== inputShape.length || sample.some((d, i) => d !== inputShape[i])) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `The ${part} expects a batch of shape [batch,${inputShape.join(",")}]. Received: shape ${formatShape(input.shape)}`,
    );
  }
  const batch = input.shape[0];
  const params = weightsMap(weights);
  const param = (id: string, role: "kernel" | "bias"): Float32Array => {
    const t = params.get(`${id}.${role}`);
    if (!t) throw new AelabError(ErrorCode.InvalidInput, `Weights are missing ${id}.${role}. Received: ${[...params.keys()].join(", ")}`);
    return t.data;
  };
  let value: Value = { data: Float64Array.from(input.data), shape: sample };
  let logvar: Value | undefined;
  for (const info of shapes.layers) {
    if (part !== "full" && info.part !== part) continue;
    if (part === "encoder" && info.id === shapes.variationalLayer) {
      // The twin head: same input and layer, the `<id>.logvar.*` parameters.
      logvar = applyLayer(value, batch, info.layer, (role) => param(`${info.id}.logvar`, role));
    }
    value = applyLayer(value, batch, info.layer, (role) => param(info.id, role));
    if (value.shape.some((d, i) => d !== info.outputShape[i])) {
      throw new AelabError(
        ErrorCode.Internal,
        `Reference forward of ${info.id} gave ${formatShape(value.shape)}. Received: expected ${formatShape(info.outputShape)}`,
      );
    }
  }
  const out = (v: Value): Float32Tensor => ({ data: Float32Array.from(v.data), shape: [batch, ...v.shape] });
  return { output: out(value), ...(logvar ? { logvar: out(logvar) } : {}) };
}

function images(v: Value, batch: number): Images {
  return { data: v.data, batch, height: v.shape[0], width: v.shape[1], channels: v.shape[2] };
}

function fromImages(x: Images): Value {
  return { data: x.data, shape: [x.height, x.width, x.channels] };
}

export function applyLayer(v: Value, batch: number, layer: LayerSpec, param: (role: "kernel" | "bias") => Float32Array): Value {
  switch (layer.type) {
    case "dense": {
      const out = dense(v.data, batch, param("kernel"), param("bias"));
      activate(out, layer.activation);
      return { data: out, shape: [layer.units] };
    }
    case "conv2d":
    case "conv2dTranspose": {
      const args = {
        kernel: param("kernel"),
        bias: param("bias"),
        kernelSize: asPair(layer.kernelSize),
        strides: asPair(layer.strides),
        padding: layer.padding,
      };
      const out = layer.type === "conv2d" ? conv2d(images(v, batch), args) : conv2dTranspose(images(v, batch), args);
      activate(out.data, layer.activation);
      return fromImages(out);
    }
    case "maxPool2d":
      return fromImages(
        maxPool2d(images(v, batch), {
          poolSize: asPair(layer.poolSize),
          strides: asPair(layer.strides ?? layer.poolSize),
          padding: layer.padding,
        }),
      );
    case "upSampling2d":
      return fromImages(upSampling2d(images(v, batch), asPair(layer.size)));
    case "flatten":
      // Channels-last row-major data is already in TF.js flatten order.
      return { data: v.data, shape: [shapeSize(v.shape)] };
    case "reshape":
      return { data: v.data, shape: [...layer.targetShape] };
    case "dropout":
      // Inverted dropout is the identity at inference.
      return v;
    default: {
      const unknown: never = layer;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown layer type. Received: ${JSON.stringify(unknown)}`);
    }
  }
}
