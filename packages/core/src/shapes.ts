/**
 * Shape inference, done once in core before any backend makes a tensor.
 * Rules follow Keras/TensorFlow.js semantics (channels last).
 */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import type { AutoencoderSpec, LayerSpec } from "./spec.ts";
import { shapeSize } from "./tensor.ts";

export interface ParameterInfo {
  /** Stable name, e.g. `encoder.0.kernel`; the key in the neutral weights format. */
  name: string;
  shape: number[];
  /** fan-in / fan-out, used by initialisers. */
  fanIn: number;
  fanOut: number;
  role: "kernel" | "bias";
}

export interface LayerInfo {
  /** `encoder.0`, `decoder.3`, … */
  id: string;
  part: "encoder" | "decoder";
  index: number;
  layer: LayerSpec;
  inputShape: number[];
  outputShape: number[];
  params: ParameterInfo[];
}

export interface ShapeReport {
  inputShape: number[];
  codeShape: number[];
  codeSize: number;
  outputShape: number[];
  layers: LayerInfo[];
  parameterCount: number;
  /** For a VAE, the id of the encoder layer whose twin head gives the code's log-variance. */
  variationalLayer?: string;
}

export function asPair(v: number | readonly [number, number]): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

function refuse(id: string, layer: LayerSpec, message: string, input: number[]): never {
  throw new AelabError(ErrorCode.ShapeMismatch, `Layer ${id} (${layer.type}) ${message}. Received: input shape ${formatShape(input)}`, {
    details: { layer: id, inputShape: input },
  });
}

function spatial(id: string, layer: LayerSpec, input: number[]): [number, number, number] {
  if (input.length !== 3) refuse(id, layer, "expects a [height, width, channels] input; add a reshape layer first", input);
  return [input[0], input[1], input[2]];
}

function convOut(size: number, k: number, s: number, padding: "same" | "valid"): number {
  return padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1;
}

function layerOutput(id: string, layer: LayerSpec, input: number[]): { out: number[]; params: ParameterInfo[] } {
  const p = (role: "kernel" | "bias", shape: number[], fanIn: number, fanOut: number): ParameterInfo => ({
    name: `${id}.${role}`,
    shape,
    fanIn,
    fanOut,
    role,
  });
  switch (layer.type) {
    case "dense": {
      if (input.length !== 1) refuse(id, layer, "expects a flat [features] input; add a flatten layer first", input);
      const n = input[0];
      return { out: [layer.units], params: [p("kernel", [n, layer.units], n, layer.units), p("bias", [layer.units], n, layer.units)] };
    }
    case "conv2d": {
      const [h, w, c] = spatial(id, layer, input);
      const [kh, kw] = asPair(layer.kernelSize);
      const [sh, sw] = asPair(layer.strides);
      const oh = convOut(h, kh, sh, layer.padding);
      const ow = convOut(w, kw, sw, layer.padding);
      if (oh < 1 || ow < 1) refuse(id, layer, `with kernel ${kh}x${kw} and 'valid' padding produces an empty output`, input);
      const fanIn = kh * kw * c;
      const fanOut = kh * kw * layer.filters;
      return {
        out: [oh, ow, layer.filters],
        params: [p("kernel", [kh, kw, c, layer.filters], fanIn, fanOut), p("bias", [layer.filters], fanIn, fanOut)],
      };
    }
    case "conv2dTranspose": {
      const [h, w, c] = spatial(id, layer, input);
      const [kh, kw] = asPair(layer.kernelSize);
      const [sh, sw] = asPair(layer.strides);
      const len = (n: number, k: number, s: number) => (layer.padding === "same" ? n * s : n * s + Math.max(k - s, 0));
      // Kernel layout follows tfjs conv2dTranspose: [kh, kw, outChannels, inChannels].
      const fanIn = kh * kw * layer.filters;
      const fanOut = kh * kw * c;
      return {
        out: [len(h, kh, sh), len(w, kw, sw), layer.filters],
        params: [p("kernel", [kh, kw, layer.filters, c], fanIn, fanOut), p("bias", [layer.filters], fanIn, fanOut)],
      };
    }
    case "maxPool2d": {
      const [h, w, c] = spatial(id, layer, input);
      const [ph, pw] = asPair(layer.poolSize);
      const [sh, sw] = asPair(layer.strides ?? layer.poolSize);
      const oh = convOut(h, ph, sh, layer.padding);
      const ow = convOut(w, pw, sw, layer.padding);
      if (oh < 1 || ow < 1) refuse(id, layer, `with pool ${ph}x${pw} produces an empty output`, input);
      return { out: [oh, ow, c], params: [] };
    }
    case "upSampling2d": {
      const [h, w, c] = spatial(id, layer, input);
      const [fh, fw] = asPair(layer.size);
      return { out: [h * fh, w * fw, c], params: [] };
    }
    case "flatten":
      return { out: [shapeSize(input)], params: [] };
    case "dropout":
      return { out: [...input], params: [] };
    case "reshape": {
      const target = [...layer.targetShape];
      if (shapeSize(target) !== shapeSize(input)) {
        refuse(id, layer, `cannot reshape ${shapeSize(input)} values to ${formatShape(target)} (${shapeSize(target)} values)`, input);
      }
      return { out: target, params: [] };
    }
    default: {
      const unknown: never = layer;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown layer type. Received: ${JSON.stringify(unknown)}`);
    }
  }
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Infers every layer's input and output shape and its parameters. Throws a
 * `SHAPE_MISMATCH` error naming the layer and both shapes when the decoder does
 * not return the input's shape.
 */
export function inferShapes(spec: AutoencoderSpec): ShapeReport {
  const layers: LayerInfo[] = [];
  let shape = [...spec.input.shape];
  const walk = (part: "encoder" | "decoder", list: LayerSpec[]) => {
    list.forEach((layer, index) => {
      const id = `${part}.${index}`;
      const { out, params } = layerOutput(id, layer, shape);
      layers.push({ id, part, index, layer, inputShape: shape, outputShape: out, params });
      shape = out;
    });
  };
  walk("encoder", spec.encoder);
  const codeShape = shape;
  const variationalLayer = spec.variational ? addLogVarHead(spec, layers) : undefined;
  walk("decoder", spec.decoder);
  if (!same(shape, spec.input.shape)) {
    const decoderLayers = layers.filter((l) => l.part === "decoder");
    const trace = decoderLayers.map((l) => `${l.id} ${l.layer.type} → ${formatShape(l.outputShape)}`).join("; ");
    const last = decoderLayers[decoderLayers.length - 1];
    const parting = firstDivergence(decoderLayers, spec.input.shape) ?? last;
    throw new AelabError(
      ErrorCode.ShapeMismatch,
      `The decoder must return the input shape ${formatShape(spec.input.shape)}, but its output is ${formatShape(shape)}. ` +
        `The shapes part at layer ${parting.id} (${parting.layer.type}), which outputs ${formatShape(parting.outputShape)}. ` +
        `Decoder shapes: ${trace}. Received: output shape ${formatShape(shape)}, input shape ${formatShape(spec.input.shape)}`,
      { details: { inputShape: spec.input.shape, outputShape: shape, layer: parting.id } },
    );
  }
  const parameterCount = layers.reduce((n, l) => n + l.params.reduce((m, p) => m + shapeSize(p.shape), 0), 0);
  checkScaling(spec);
  return { inputShape: [...spec.input.shape], codeShape, codeSize: shapeSize(codeShape), outputShape: shape, layers, parameterCount, variationalLayer };
}

/**
 * A VAE's encoder ends in a linear dense layer (the mean head); its twin
 * log-variance head has the same shape and is initialised the same way.
 */
function addLogVarHead(spec: AutoencoderSpec, layers: LayerInfo[]): string {
  const encoder = layers.filter((l) => l.part === "encoder");
  const last = encoder[encoder.length - 1];
  if (last.layer.type !== "dense" || last.layer.activation !== "linear") {
    const what = last.layer.type === "dense" ? `dense with activation "${last.layer.activation}"` : last.layer.type;
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `A variational autoencoder's encoder must end in a dense layer with activation "linear"; it becomes the mean and log-variance heads of the code. Received: ${last.id} is ${what}`,
      { details: { layer: last.id } },
    );
  }
  last.params = [...last.params, ...last.params.map((p) => ({ ...p, name: p.name.replace(/\.(kernel|bias)$/, ".logvar.$1") }))];
  return last.id;
}

/** Standardisation statistics must fit the channels, and BCE needs targets in [0, 1]. */
function checkScaling(spec: AutoencoderSpec): void {
  const scaling = spec.input.scaling;
  if (typeof scaling === "string") return;
  const channels = spec.input.shape[spec.input.shape.length - 1];
  for (const key of ["mean", "std"] as const) {
    const n = scaling[key].length;
    if (n !== 1 && n !== channels) {
      throw new AelabError(ErrorCode.InvalidSpec, `input.scaling.${key} needs 1 value or one per channel (${channels}). Received: ${n} values`);
    }
  }
  if (spec.loss === "bce") {
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `Binary cross-entropy needs targets in [0, 1], which standardised inputs are not; use loss "mse" with standardize scaling, or scaling "unit". Received: loss "bce" with scaling "standardize"`,
    );
  }
}

/**
 * The first decoder layer after which the input shape can no longer be reached:
 * a spatial layer whose channels differ at the end, or the last layer whose
 * height/width already equal or exceed the input's while channels are wrong.
 */
function firstDivergence(decoder: LayerInfo[], target: readonly number[]): LayerInfo | undefined {
  if (target.length === 3) {
    // Spatial size grows only through upsampling layers; find the last one and check it lands on the target.
    for (const l of decoder) {
      const o = l.outputShape;
      if (o.length === 3 && (o[0] > target[0] || o[1] > target[1])) return l;
    }
    const growers = decoder.filter((l) => l.layer.type === "conv2dTranspose" || l.layer.type === "upSampling2d");
    const lastGrower = growers[growers.length - 1];
    if (lastGrower && (lastGrower.outputShape[0] !== target[0] || lastGrower.outputShape[1] !== target[1])) return lastGrower;
    const last = decoder[decoder.length - 1];
    if (last && last.outputShape.length === 3 && last.outputShape[2] !== target[2]) return last;
  }
  return undefined;
}

/** The parameters a spec needs, in a stable order. */
export function parameterInfos(spec: AutoencoderSpec): ParameterInfo[] {
  return inferShapes(spec).layers.flatMap((l) => l.params);
}
