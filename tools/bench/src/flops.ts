/**
 * FLOPs per sample from a spec: only the multiply-accumulates of dense, conv
 * and transposed-conv layers, 1 MAC = 2 FLOP, as the research notes count them.
 * Transposed convolutions are counted per input pixel (k·k·Cin·Cout MACs each).
 * Training is taken as 3× the full forward pass (forward, plus the input and
 * weight gradients of about one forward each).
 */
import { asPair, inferShapes, type AutoencoderSpec, type LayerInfo } from "@aelab/core";

export interface FlopCount {
  encoder: number;
  decoder: number;
  /** The full autoencoder's forward pass. */
  full: number;
  /** One training step per sample: 3 × `full`. */
  train: number;
}

function layerMacs(info: LayerInfo): number {
  const { layer, inputShape, outputShape } = info;
  switch (layer.type) {
    case "dense":
      return inputShape[0] * layer.units;
    case "conv2d": {
      const [kh, kw] = asPair(layer.kernelSize);
      return outputShape[0] * outputShape[1] * kh * kw * inputShape[2] * layer.filters;
    }
    case "conv2dTranspose": {
      const [kh, kw] = asPair(layer.kernelSize);
      return inputShape[0] * inputShape[1] * kh * kw * inputShape[2] * layer.filters;
    }
    case "maxPool2d":
    case "upSampling2d":
    case "flatten":
    case "reshape":
    case "dropout":
      return 0;
    default: {
      const unknown: never = layer;
      return unknown;
    }
  }
}

/**
 * @example
 * flopsPerSample(presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 32 })).full; // 4,741,632
 */
export function flopsPerSample(spec: AutoencoderSpec): FlopCount {
  const report = inferShapes(spec);
  let encoder = 0;
  let decoder = 0;
  for (const info of report.layers) {
    // A VAE's encoder has a twin log-variance head on its last layer.
    const heads = info.id === report.variationalLayer ? 2 : 1;
    const flops = 2 * heads * layerMacs(info);
    if (info.part === "encoder") encoder += flops;
    else decoder += flops;
  }
  const full = encoder + decoder;
  return { encoder, decoder, full, train: 3 * full };
}
