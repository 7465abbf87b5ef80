/**
 * Emits the ONNX nodes of one spec layer, TensorFlow.js semantics throughout.
 * Conv, ConvTranspose and MaxPool run in NCHW (the only layout ONNX defines for
 * them); Flatten and Reshape run channels-last, because TF.js flattens an NHWC
 * tensor in (h, w, c) order; Gemm, Resize and activations take either.
 */
import {
  AelabError,
  ErrorCode,
  asPair,
  shapeSize,
  type Activation,
  type Conv2dLayer,
  type Conv2dTransposeLayer,
  type DenseLayer,
  type LayerInfo,
  type MaxPool2dLayer,
  type NamedTensor,
  type UpSampling2dLayer,
} from "@aelab/core";
import { ELU_ALPHA, LEAKY_RELU_ALPHA } from "../compatibility.ts";
import { convAxisPads, convTransposeAxisPads, onnxPads2d } from "../padding.ts";
import { attr, type GraphBuilder, type Value } from "./graph-builder.ts";

export type ParamLookup = (name: string) => NamedTensor;

/** [a, b, c, d] → [d, c, a, b]: tfjs conv [kh, kw, in, out] → ONNX [out, in, kh, kw], and convT [kh, kw, out, in] → [in, out, kh, kw]. */
function kernelToOnnx(t: NamedTensor): { dims: number[]; data: Float32Array } {
  const [a, b, c, d] = t.shape;
  const out = new Float32Array(t.data.length);
  let o = 0;
  for (let l = 0; l < d; l++)
    for (let k = 0; k < c; k++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[o++] = t.data[((i * b + j) * c + k) * d + l];
  return { dims: [d, c, a, b], data: out };
}

function value(name: string, shape: number[], physical: Value["physical"]): Value {
  return { name, shape, physical: shape.length === 3 ? physical : "flat" };
}

export function emitActivation(g: GraphBuilder, v: Value, activation: Activation, base: string): Value {
  const unary = (op: string, attributes = {}) => ({ ...v, name: g.node(op, [v.name], attributes, `${base}.${activation}`) });
  switch (activation) {
    case "linear":
      return v;
    case "relu":
      return unary("Relu");
    case "leakyRelu":
      return unary("LeakyRelu", { alpha: attr.float(LEAKY_RELU_ALPHA) });
    case "elu":
      return unary("Elu", { alpha: attr.float(ELU_ALPHA) });
    case "tanh":
      return unary("Tanh");
    case "sigmoid":
      return unary("Sigmoid");
    case "gelu": {
      // Exact GELU, 0.5·x·(1 + erf(x/√2)); the Gelu operator needs opset 20.
      const invSqrt2 = g.floatInitializer(`${base}.gelu.inv_sqrt2`, [], [Math.SQRT1_2]);
      const one = g.floatInitializer(`${base}.gelu.one`, [], [1]);
      const half = g.floatInitializer(`${base}.gelu.half`, [], [0.5]);
      const scaled = g.node("Mul", [v.name, invSqrt2], {}, `${base}.gelu.scaled`);
      const erf = g.node("Erf", [scaled], {}, `${base}.gelu.erf`);
      const plusOne = g.node("Add", [erf, one], {}, `${base}.gelu.plus_one`);
      const halfX = g.node("Mul", [v.name, half], {}, `${base}.gelu.half_x`);
      return { ...v, name: g.node("Mul", [halfX, plusOne], {}, `${base}.gelu`) };
    }
    default: {
      const unknown: never = activation;
      throw new AelabError(ErrorCode.ExportUnsupported, `Unknown activation for ONNX export. Received: ${String(unknown)}`);
    }
  }
}

/** One Gemm over the parameters `<prefix>.kernel` and `<prefix>.bias`. */
function emitGemm(g: GraphBuilder, input: Value, prefix: string, units: number, param: ParamLookup): string {
  const kernel = param(`${prefix}.kernel`);
  const w = g.floatInitializer(`${prefix}.kernel`, kernel.shape, kernel.data);
  const b = g.floatInitializer(`${prefix}.bias`, [units], param(`${prefix}.bias`).data);
  return g.node("Gemm", [input.name, w, b], {}, `${prefix}.gemm`);
}

function emitDense(g: GraphBuilder, input: Value, info: LayerInfo, layer: DenseLayer, param: ParamLookup): Value {
  const y = emitGemm(g, input, info.id, layer.units, param);
  return emitActivation(g, value(y, info.outputShape, "flat"), layer.activation, info.id);
}

/**
 * A VAE's log-variance head: the twin of its last (linear) encoder dense layer,
 * on the same input, with the `<id>.logvar.*` parameters.
 */
export function emitLogVarHead(g: GraphBuilder, input: Value, info: LayerInfo, param: ParamLookup): Value {
  if (info.layer.type !== "dense") {
    throw new AelabError(ErrorCode.Internal, `A VAE's log-variance head twins a dense layer. Received: ${info.id} is ${info.layer.type}`);
  }
  return value(emitGemm(g, input, `${info.id}.logvar`, info.layer.units, param), info.outputShape, "flat");
}

function emitConv(g: GraphBuilder, input: Value, info: LayerInfo, layer: Conv2dLayer | Conv2dTransposeLayer, param: ParamLookup): Value {
  const { id } = info;
  const x = g.toLayout(input, "nchw", id);
  const [kh, kw] = asPair(layer.kernelSize);
  const [sh, sw] = asPair(layer.strides);
  const kernel = kernelToOnnx(param(`${id}.kernel`));
  const w = g.floatInitializer(`${id}.kernel`, kernel.dims, kernel.data);
  const b = g.floatInitializer(`${id}.bias`, [layer.filters], param(`${id}.bias`).data);
  const common = { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([sh, sw]), dilations: attr.ints([1, 1]), group: attr.int(1) };
  let y: string;
  if (layer.type === "conv2d") {
    const pads = onnxPads2d(convAxisPads(input.shape[0], kh, sh, layer.padding), convAxisPads(input.shape[1], kw, sw, layer.padding));
    y = g.node("Conv", [x.name, w, b], { ...common, pads: attr.ints(pads) }, `${id}.conv`);
  } else {
    const ph = convTransposeAxisPads(input.shape[0], kh, sh, layer.padding);
    const pw = convTransposeAxisPads(input.shape[1], kw, sw, layer.padding);
    const attributes = { ...common, pads: attr.ints(onnxPads2d(ph, pw)), output_padding: attr.ints([ph.outputPadding, pw.outputPadding]) };
    y = g.node("ConvTranspose", [x.name, w, b], attributes, `${id}.conv_transpose`);
  }
  return emitActivation(g, value(y, info.outputShape, "nchw"), layer.activation, id);
}

function emitMaxPool(g: GraphBuilder, input: Value, info: LayerInfo, layer: MaxPool2dLayer): Value {
  const x = g.toLayout(input, "nchw", info.id);
  const [kh, kw] = asPair(layer.poolSize);
  const [sh, sw] = asPair(layer.strides ?? layer.poolSize);
  const pads = onnxPads2d(convAxisPads(input.shape[0], kh, sh, layer.padding), convAxisPads(input.shape[1], kw, sw, layer.padding));
  const attributes = { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([sh, sw]), pads: attr.ints(pads), ceil_mode: attr.int(0) };
  return value(g.node("MaxPool", [x.name], attributes, `${info.id}.max_pool`), info.outputShape, "nchw");
}

function emitUpSampling(g: GraphBuilder, input: Value, info: LayerInfo, layer: UpSampling2dLayer): Value {
  // Nearest with asymmetric coordinates and floor: output (y, x) reads input (⌊y/fh⌋, ⌊x/fw⌋), as
  // tf.image.resizeNearestNeighbor. Resize takes either layout, so no Transpose is needed.
  const [fh, fw] = asPair(layer.size);
  const scales = g.floatInitializer(`${info.id}.scales`, [4], input.physical === "nchw" ? [1, 1, fh, fw] : [1, fh, fw, 1]);
  const attributes = {
    mode: attr.string("nearest"),
    coordinate_transformation_mode: attr.string("asymmetric"),
    nearest_mode: attr.string("floor"),
  };
  return value(g.node("Resize", [input.name, "", scales], attributes, `${info.id}.resize`), info.outputShape, input.physical);
}

export function emitLayer(g: GraphBuilder, input: Value, info: LayerInfo, param: ParamLookup): Value {
  const { layer, id, outputShape } = info;
  switch (layer.type) {
    case "dense":
      return emitDense(g, input, info, layer, param);
    case "conv2d":
    case "conv2dTranspose":
      return emitConv(g, input, info, layer, param);
    case "maxPool2d":
      return emitMaxPool(g, input, info, layer);
    case "upSampling2d":
      return emitUpSampling(g, input, info, layer);
    case "flatten": {
      // TF.js flattens channels-last data in (h, w, c) order.
      const x = g.toLayout(input, "nhwc", id);
      return value(g.node("Flatten", [x.name], { axis: attr.int(1) }, `${id}.flatten`), [shapeSize(input.shape)], "flat");
    }
    case "dropout":
      // Inverted dropout is the identity at inference.
      return input;
    case "reshape": {
      const x = g.toLayout(input, "nhwc", id);
      // 0 copies the (dynamic) batch dimension.
      const shape = g.int64Initializer(`${id}.shape`, [0, ...layer.targetShape]);
      return value(g.node("Reshape", [x.name, shape], {}, `${id}.reshape`), outputShape, "nhwc");
    }
    default: {
      const unknown: never = layer;
      throw new AelabError(ErrorCode.ExportUnsupported, `Unknown layer type for ONNX export. Received: ${JSON.stringify(unknown)}`);
    }
  }
}
