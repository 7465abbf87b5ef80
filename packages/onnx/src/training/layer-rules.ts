/**
 * One forward rule and its backward rule per layer type, derived by hand. The
 * forward rule emits the layer's nodes (the exporter's ops and TF.js padding)
 * and returns a closure that, given dL/dy, emits dL/dx and the parameter
 * gradients; the closure keeps whatever activations it needs (saved
 * activations are just the forward graph's values).
 *
 * Rank-3 values are NCHW. Backward rules, per layer (s = stride, k = kernel,
 * pads from `padding.ts`):
 * - dense (Gemm): dW = xᵀ·dz, db = Σ_batch dz, dx = dz·Wᵀ;
 * - conv2d: dx = ConvTranspose(dz, W) with the forward pads and the output
 *   padding that restores the input size; dW = a Conv over the batch axis
 *   (x as [C,N,H,W] correlated with dz as a [F,N,oh,ow] filter dilated by s),
 *   as backend-tfjs's wasm Conv2DBackpropFilter does, or, at stride 1 with fewer
 *   filters than channels, a Conv over the filter axis (see `strideOneKernelGrad`);
 *   db = Σ dz over N,H,W;
 * - conv2dTranspose: dx = Conv(dz, W) with the transpose's pads, dW = the same
 *   batch-axis Conv with the roles of x and dz swapped;
 * - maxPool2d: dy goes back to each window's first maximum, by the Indices
 *   output of MaxPool (MaxUnpool, or ScatterElements with add where windows overlap);
 * - upSampling2d (nearest): the sum over each block (Reshape + ReduceSum);
 * - flatten / reshape: the inverse reshape, through channels-last order;
 * - dropout: dy times the same fed mask.
 */
import {
  AelabError,
  ErrorCode,
  asPair,
  shapeSize,
  type Activation,
  type Conv2dLayer,
  type Conv2dTransposeLayer,
  type LayerInfo,
  type MaxPool2dLayer,
} from "@aelab/core";
import { attr } from "../internal/graph-builder.ts";
import { convAxisPads, convTransposeAxisPads, type AxisPads } from "../padding.ts";
import { activationBackward, activationForward } from "./activations.ts";
import { nchwToNhwc, nhwcToNchw, type Emitter, type GraphTensor } from "./emitter.ts";

/** dL/dy → dL/dx (undefined when `needInput` is false), adding parameter gradients as a side effect. */
export type Backprop = (dy: string, needInput: boolean) => string | undefined;

export interface LayerContext {
  e: Emitter;
  info: LayerInfo;
  /** The graph name of a parameter, e.g. `encoder.0.kernel` → its graph input. */
  param(name: string): string;
  /** Records dL/d(parameter). */
  grad(name: string, value: string): void;
  /** The dropout multiplier for this layer, already in the graph layout; absent at evaluation. */
  mask?: string;
}

export interface LayerStep {
  output: GraphTensor;
  backward: Backprop;
}

function ints(values: number[]) {
  return attr.ints(values);
}

/** y = act(x·W + b) over the parameters `<prefix>.kernel` / `<prefix>.bias`. */
export function denseRule(ctx: LayerContext, x: GraphTensor, prefix: string, units: number, activation: Activation): LayerStep {
  const { e } = ctx;
  const kernel = ctx.param(`${prefix}.kernel`);
  const z = e.op("Gemm", [x.name, kernel, ctx.param(`${prefix}.bias`)], {}, `${prefix}.gemm`);
  const y = activationForward(e, z, activation, prefix);
  return {
    output: { name: y, shape: [units] },
    backward(dy, needInput) {
      const dz = activationBackward(e, dy, z, y, activation, prefix);
      ctx.grad(`${prefix}.kernel`, e.op("Gemm", [x.name, dz], { transA: attr.int(1) }, `${prefix}.kernel_grad`));
      ctx.grad(`${prefix}.bias`, e.reduceSum(dz, [0], `${prefix}.bias_grad`));
      return needInput ? e.op("Gemm", [dz, kernel], { transB: attr.int(1) }, `${prefix}.input_grad`) : undefined;
    },
  };
}

/** Crops the trailing `crop[i]` rows/columns of a [*, *, H, W] value (a negative pad). */
function cropEnd(e: Emitter, x: string, size: [number, number], crop: [number, number], base: string): string {
  if (crop[0] <= 0 && crop[1] <= 0) return x;
  const ends = [size[0] - Math.max(crop[0], 0), size[1] - Math.max(crop[1], 0)];
  return e.op("Slice", [x, e.ints([0, 0]), e.ints(ends), e.ints([2, 3])], {}, base);
}

function convRule(ctx: LayerContext, x: GraphTensor, layer: Conv2dLayer): LayerStep {
  const { e, info } = ctx;
  const id = info.id;
  const [kh, kw] = asPair(layer.kernelSize);
  const [sh, sw] = asPair(layer.strides);
  const [h, w] = x.shape;
  const [oh, ow] = info.outputShape;
  const ph = convAxisPads(h, kh, sh, layer.padding);
  const pw = convAxisPads(w, kw, sw, layer.padding);
  const kernel = ctx.param(`${id}.kernel`);
  const common = { kernel_shape: ints([kh, kw]), strides: ints([sh, sw]), dilations: ints([1, 1]), group: attr.int(1) };
  const pads = ints([ph.begin, pw.begin, ph.end, pw.end]);
  const z = e.op("Conv", [x.name, kernel, ctx.param(`${id}.bias`)], { ...common, pads }, `${id}.conv`);
  const y = activationForward(e, z, layer.activation, id);
  return {
    output: { name: y, shape: info.outputShape },
    backward(dy, needInput) {
      const dz = activationBackward(e, dy, z, y, layer.activation, id);
      ctx.grad(`${id}.bias`, e.reduceSum(dz, [0, 2, 3], `${id}.bias_grad`));
      const geometry: KernelGradGeometry = { x: x.name, dz, id, kernel: [kh, kw], strides: [sh, sw], input: [h, w], output: [oh, ow], pads: [ph, pw] };
      // Whichever of C and F is smaller becomes the gradient Conv's batch axis, which im2col expands.
      const strideOne = sh === 1 && sw === 1 && layer.filters < x.shape[2];
      ctx.grad(`${id}.kernel`, strideOne ? strideOneKernelGrad(e, geometry) : batchAxisKernelGrad(e, geometry));
      if (!needInput) return undefined;
      if (sh === 1 && sw === 1) return strideOneInputGrad(e, kernel, geometry);
      const outputPadding = [h - (sh * (oh - 1) + kh - ph.begin - ph.end), w - (sw * (ow - 1) + kw - pw.begin - pw.end)];
      return e.op("ConvTranspose", [dz, kernel], { ...common, pads, output_padding: ints(outputPadding) }, `${id}.input_grad`);
    },
  };
}

/** What a conv2d's kernel gradient needs: its input x, dL/dz, and the forward geometry. */
interface KernelGradGeometry {
  x: string;
  dz: string;
  id: string;
  kernel: [number, number];
  strides: [number, number];
  input: [number, number];
  output: [number, number];
  pads: [AxisPads, AxisPads];
}

/**
 * dW[f,c,a,b] = Σ dz[n,f,i,j]·xpad[n,c,i·s+a,j·s+b]: a Conv over the batch axis
 * (x as [C,N,H,W], dz as a [F,N,oh,ow] filter dilated by s), then [C,F,…] → [F,C,…].
 */
function batchAxisKernelGrad(e: Emitter, g: KernelGradGeometry): string {
  const [[kh, kw], [sh, sw], [h, w], [oh, ow], [ph, pw]] = [g.kernel, g.strides, g.input, g.output, g.pads];
  const endH = kh - h - ph.begin + sh * (oh - 1);
  const endW = kw - w - pw.begin + sw * (ow - 1);
  const xT = cropEnd(e, e.transpose(g.x, [1, 0, 2, 3], `${g.id}.x_t`), [h, w], [-endH, -endW], `${g.id}.x_crop`);
  const dzT = e.transpose(g.dz, [1, 0, 2, 3], `${g.id}.dz_t`);
  const attributes = {
    kernel_shape: ints([oh, ow]),
    strides: ints([1, 1]),
    dilations: ints([sh, sw]),
    group: attr.int(1),
    pads: ints([ph.begin, pw.begin, Math.max(endH, 0), Math.max(endW, 0)]),
  };
  return e.transpose(e.op("Conv", [xT, dzT], attributes, `${g.id}.kernel_grad_cf`), [1, 0, 2, 3], `${g.id}.kernel_grad`);
}

/**
 * dW of a stride-1 conv2d with fewer filters (F) than input channels (C), as one
 * Conv whose batch axis is F rather than C: dz as the [F,N,oh,ow] input and x as
 * the [C,N,h,w] filter. im2col then expands F copies of the batch instead of C
 * (32× less work for seed-conv's last conv). With input pads
 * (k − 1 − pad, h − oh + pad) the output is k wide and runs over the kernel
 * offsets in reverse, so a Slice with step −1 flips it; it is already [F,C,kh,kw].
 */
function strideOneKernelGrad(e: Emitter, g: KernelGradGeometry): string {
  const xT = e.transpose(g.x, [1, 0, 2, 3], `${g.id}.x_t`);
  const dzT = e.transpose(g.dz, [1, 0, 2, 3], `${g.id}.dz_t`);
  const attributes = { kernel_shape: ints(g.input), strides: ints([1, 1]), dilations: ints([1, 1]), group: attr.int(1), pads: ints(strideOnePads(g)) };
  return flipSpatial(e, e.op("Conv", [dzT, xT], attributes, `${g.id}.kernel_grad_fc`), g.kernel, `${g.id}.kernel_grad`);
}

/** Pads that make a stride-1 correlation with dz run over the kernel offsets k − 1 … 0: see `strideOneKernelGrad`. */
function strideOnePads(g: KernelGradGeometry): number[] {
  const [[kh, kw], [h, w], [oh, ow], [ph, pw]] = [g.kernel, g.input, g.output, g.pads];
  return [kh - 1 - ph.begin, kw - 1 - pw.begin, h - oh + ph.begin, w - ow + pw.begin];
}

/** Reverses axes 2 and 3 of a [*, *, kh, kw] value. */
function flipSpatial(e: Emitter, x: string, [kh, kw]: [number, number], base: string): string {
  return e.op("Slice", [x, e.ints([kh - 1, kw - 1]), e.ints([-kh - 1, -kw - 1]), e.ints([2, 3]), e.ints([-1, -1])], {}, base);
}

/**
 * dx of a stride-1 conv2d as a Conv rather than a ConvTranspose (the same sums;
 * ONNX Runtime's Conv is the faster kernel): dz correlated with the kernel
 * transposed to [C,F,kh,kw] and flipped, with the pads of `strideOnePads`.
 */
function strideOneInputGrad(e: Emitter, kernel: string, g: KernelGradGeometry): string {
  const flipped = flipSpatial(e, e.transpose(kernel, [1, 0, 2, 3], `${g.id}.kernel_t`), g.kernel, `${g.id}.kernel_flip`);
  const attributes = { kernel_shape: ints(g.kernel), strides: ints([1, 1]), dilations: ints([1, 1]), group: attr.int(1), pads: ints(strideOnePads(g)) };
  return e.op("Conv", [g.dz, flipped], attributes, `${g.id}.input_grad`);
}

function convTransposeRule(ctx: LayerContext, x: GraphTensor, layer: Conv2dTransposeLayer): LayerStep {
  const { e, info } = ctx;
  const id = info.id;
  const [kh, kw] = asPair(layer.kernelSize);
  const [sh, sw] = asPair(layer.strides);
  const [h, w] = x.shape;
  const [oh, ow] = info.outputShape;
  const th = convTransposeAxisPads(h, kh, sh, layer.padding);
  const tw = convTransposeAxisPads(w, kw, sw, layer.padding);
  const kernel = ctx.param(`${id}.kernel`);
  const common = { kernel_shape: ints([kh, kw]), strides: ints([sh, sw]), dilations: ints([1, 1]), group: attr.int(1) };
  const attributes = { ...common, pads: ints([th.begin, tw.begin, th.end, tw.end]), output_padding: ints([th.outputPadding, tw.outputPadding]) };
  const z = e.op("ConvTranspose", [x.name, kernel, ctx.param(`${id}.bias`)], attributes, `${id}.conv_transpose`);
  const y = activationForward(e, z, layer.activation, id);
  return {
    output: { name: y, shape: info.outputShape },
    backward(dy, needInput) {
      const dz = activationBackward(e, dy, z, y, layer.activation, id);
      ctx.grad(`${id}.bias`, e.reduceSum(dz, [0, 2, 3], `${id}.bias_grad`));
      // Rows past the uncropped output (output_padding) only received the bias: crop them for the filter gradient.
      const endH = th.end - th.outputPadding;
      const endW = tw.end - tw.outputPadding;
      const dzT = cropEnd(e, e.transpose(dz, [1, 0, 2, 3], `${id}.dz_t`), [oh, ow], [-endH, -endW], `${id}.dz_crop`);
      const xT = e.transpose(x.name, [1, 0, 2, 3], `${id}.x_t`);
      const gradAttrs = {
        kernel_shape: ints([h, w]),
        strides: ints([1, 1]),
        dilations: ints([sh, sw]),
        group: attr.int(1),
        pads: ints([th.begin, tw.begin, Math.max(endH, 0), Math.max(endW, 0)]),
      };
      const g = e.op("Conv", [dzT, xT], gradAttrs, `${id}.kernel_grad_cf`);
      ctx.grad(`${id}.kernel`, e.transpose(g, [1, 0, 2, 3], `${id}.kernel_grad`));
      if (!needInput) return undefined;
      const pads = ints([th.begin, tw.begin, Math.max(endH, 0), Math.max(endW, 0)]);
      return e.op("Conv", [dz, kernel], { ...common, pads }, `${id}.input_grad`);
    },
  };
}

function maxPoolRule(ctx: LayerContext, x: GraphTensor, layer: MaxPool2dLayer): LayerStep {
  const { e, info } = ctx;
  const id = info.id;
  const [kh, kw] = asPair(layer.poolSize);
  const [sh, sw] = asPair(layer.strides ?? layer.poolSize);
  const [h, w] = x.shape;
  const ph = convAxisPads(h, kh, sh, layer.padding);
  const pw = convAxisPads(w, kw, sw, layer.padding);
  const attributes = { kernel_shape: ints([kh, kw]), strides: ints([sh, sw]), pads: ints([ph.begin, pw.begin, ph.end, pw.end]) };
  const [y, indices] = e.opMulti("MaxPool", [x.name], 2, { ...attributes, ceil_mode: attr.int(0), storage_order: attr.int(0) }, `${id}.max_pool`);
  return {
    output: { name: y, shape: info.outputShape },
    backward(dy, needInput) {
      if (!needInput) return undefined;
      const shape = e.op("Shape", [x.name], {}, `${id}.input_shape`);
      if (sh >= kh && sw >= kw) {
        // Windows do not overlap: every input value is picked at most once.
        return e.op("MaxUnpool", [dy, indices, shape], attributes, `${id}.input_grad`);
      }
      const size = e.reshape(e.op("Size", [x.name], {}, `${id}.size`), [1], `${id}.size_1d`);
      const zeros = e.op("ConstantOfShape", [size], {}, `${id}.zeros`);
      const flat = (v: string, base: string) => e.reshape(v, [-1], base);
      const scattered = e.op(
        "ScatterElements",
        [zeros, flat(indices, `${id}.indices_flat`), flat(dy, `${id}.dy_flat`)],
        { axis: attr.int(0), reduction: attr.string("add") },
        `${id}.scatter`,
      );
      return e.op("Reshape", [scattered, shape], {}, `${id}.input_grad`);
    },
  };
}

/** Layers whose rule depends only on their spec (the VAE's heads are handled by the forward walker). */
export function layerRule(ctx: LayerContext, x: GraphTensor): LayerStep {
  const { e, info } = ctx;
  const { layer, id } = info;
  switch (layer.type) {
    case "dense":
      return denseRule(ctx, x, id, layer.units, layer.activation);
    case "conv2d":
      return convRule(ctx, x, layer);
    case "conv2dTranspose":
      return convTransposeRule(ctx, x, layer);
    case "maxPool2d":
      return maxPoolRule(ctx, x, layer);
    case "upSampling2d": {
      const [fh, fw] = asPair(layer.size);
      const [h, w, c] = x.shape;
      const resize = { mode: attr.string("nearest"), coordinate_transformation_mode: attr.string("asymmetric"), nearest_mode: attr.string("floor") };
      const y = e.op("Resize", [x.name, "", e.g.floatInitializer(`${id}.scales`, [4], [1, 1, fh, fw])], resize, `${id}.resize`);
      return {
        output: { name: y, shape: info.outputShape },
        backward: (dy, needInput) => (needInput ? e.reduceSum(e.reshape(dy, [0, c, h, fh, w, fw], `${id}.blocks`), [3, 5], `${id}.input_grad`) : undefined),
      };
    }
    case "flatten":
    case "reshape":
      return reshapeRule(e, id, x, info.outputShape);
    case "dropout": {
      const mask = ctx.mask;
      if (!mask) return { output: x, backward: (dy) => dy };
      return {
        output: { name: e.mul(x.name, mask, `${id}.dropout`), shape: x.shape },
        backward: (dy, needInput) => (needInput ? e.mul(dy, mask, `${id}.input_grad`) : undefined),
      };
    }
    default: {
      const unknown: never = layer;
      throw new AelabError(ErrorCode.ExportUnsupported, `Layer ${id} has no ONNX training rule. Received: ${JSON.stringify(unknown)}`);
    }
  }
}

/** A batch of `shape` samples in the graph layout → row-major (channels-last) order, flat per sample. */
function toRowMajor(e: Emitter, x: string, shape: number[], base: string): string {
  return shape.length === 3 ? nchwToNhwc(e, x, shape, base) : x;
}

function fromRowMajor(e: Emitter, x: string, shape: number[], base: string): string {
  return shape.length === 3 ? nhwcToNchw(e, x, shape, base) : x;
}

/** flatten and reshape: TF.js reshapes channels-last data, so NCHW values go through NHWC order. */
function reshapeRule(e: Emitter, id: string, x: GraphTensor, target: number[]): LayerStep {
  const source = x.shape;
  if (shapeSize(source) !== shapeSize(target)) throw new AelabError(ErrorCode.Internal, `Layer ${id} cannot reshape. Received: ${source} → ${target}`);
  const y = fromRowMajor(e, e.reshape(toRowMajor(e, x.name, source, `${id}.in`), [0, ...target], `${id}.reshape`), target, `${id}.out`);
  return {
    output: { name: y, shape: target },
    backward: (dy, needInput) =>
      needInput
        ? fromRowMajor(e, e.reshape(toRowMajor(e, dy, target, `${id}.grad_in`), [0, ...source], `${id}.grad_reshape`), source, `${id}.input_grad`)
        : undefined,
  };
}
