/**
 * Which tfjs kernels a spec needs, forward and (for training) backward, so
 * `supports(spec, "train")` can refuse a model before its first step instead
 * of failing mid-epoch with "Kernel 'X' not registered for backend 'Y'".
 *
 * The table lists the kernels tfjs-core 4.22's ops and gradient functions run
 * for each layer, activation, loss and penalty (plus the optimisers); the
 * package's tests profile real training steps on every feature and check that
 * nothing ran that is not listed here.
 */
import { inferShapes, type Activation, type AutoencoderSpec, type LayerSpec } from "@aelab/core";
import { CONV2D_BACKPROP_FILTER_PARTS } from "./conv2d-backprop-filter-wasm.ts";

interface Needs {
  infer: readonly string[];
  train: readonly string[];
}

const LAYERS: Record<LayerSpec["type"], Needs> = {
  dense: { infer: ["BatchMatMul", "Add", "Reshape"], train: ["BatchMatMul", "Sum", "Reshape"] },
  conv2d: { infer: ["Conv2D", "Add"], train: ["Conv2DBackpropInput", "Conv2DBackpropFilter", "Sum", "Reshape"] },
  conv2dTranspose: { infer: ["Conv2DBackpropInput", "Add"], train: ["Conv2D", "Conv2DBackpropFilter", "Sum", "Reshape"] },
  maxPool2d: { infer: ["MaxPool"], train: ["MaxPoolGrad"] },
  upSampling2d: { infer: ["ResizeNearestNeighbor"], train: ["AvgPool", "Multiply"] },
  flatten: { infer: ["Reshape"], train: ["Reshape"] },
  reshape: { infer: ["Reshape"], train: ["Reshape"] },
  // Inference: identity. Training: the input times its mask, whose gradient is the same product.
  dropout: { infer: [], train: ["Multiply"] },
};

/** The XNNPACK-friendly layer ops of dense-matmul.ts and fast-conv.ts (wasm). */
const FAST_LAYERS: Partial<Record<LayerSpec["type"], Needs>> = {
  dense: { infer: ["BatchMatMul", "Add", "Reshape"], train: ["BatchMatMul", "Transpose", "Sum", "Reshape"] },
  conv2d: {
    infer: ["Conv2D", "Add"],
    // Conv2DBackpropInput: only for unequal strides, which DepthToSpace cannot interleave.
    train: ["Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput", "PadV2", "Reshape", "Reverse", "Transpose", "Slice"],
  },
  conv2dTranspose: {
    infer: ["Conv2D", "Conv2DBackpropInput", "PadV2", "Reshape", "Reverse", "Transpose", "Slice", "Add"],
    train: ["Conv2D", "Conv2DBackpropFilter", "Reshape"],
  },
  maxPool2d: { infer: ["MaxPool"], train: [] },
};

const ACTIVATIONS: Record<Activation, Needs> = {
  relu: { infer: ["Relu"], train: ["Step", "Cast", "Multiply"] },
  leakyRelu: { infer: ["LeakyRelu"], train: ["Greater", "Select", "Multiply"] },
  elu: { infer: ["Elu"], train: ["EluGrad"] },
  gelu: { infer: ["Erf", "Multiply", "Add"], train: ["Exp", "Neg", "Square", "Multiply", "Cast"] },
  tanh: { infer: ["Tanh"], train: ["Square", "Sub", "Multiply"] },
  sigmoid: { infer: ["Sigmoid"], train: ["Sub", "Multiply"] },
  linear: { infer: [], train: [] },
};

/** Losses and both evaluation metrics (MSE and clipped BCE), with their gradients. */
const LOSS_AND_METRICS = ["Reshape", "SquaredDifference", "Mean", "Sum", "ClipByValue", "Log", "Multiply", "Add", "Sub", "Neg", "Pack", "RealDiv", "Cast"];
const BCE_GRAD = ["GreaterEqual", "LessEqual", "LogicalAnd", "Select", "ZerosLike"];
const L1_GRAD = ["Abs", "Step", "Cast", "Multiply"];
/** tf.train adam / sgd / momentum / rmsprop updates, and tfjs's gradient bookkeeping. */
const OPTIMIZERS = ["Identity", "ZerosLike", "Add", "Cast", "Multiply", "RealDiv", "Reshape", "Sqrt", "Square", "Sub", "Sum"];

export interface KernelOptions {
  /** The layers use the XNNPACK-friendly ops (`ForwardOptions.fast`). */
  fast?: boolean;
  /** aelab's composite Conv2DBackpropFilter is the one registered: also needs its parts. */
  compositeConv2dBackpropFilter?: boolean;
}

/** Kernel name → what needs it (e.g. `encoder.0 conv2d gradient`), for error messages. */
export function requiredKernels(spec: AutoencoderSpec, purpose: "infer" | "train", options: KernelOptions = {}): Map<string, string> {
  const needed = new Map<string, string>();
  const add = (names: readonly string[], why: string) => {
    for (const n of names) if (!needed.has(n)) needed.set(n, why);
  };
  const train = purpose === "train";
  for (const info of inferShapes(spec).layers) {
    const { layer, id } = info;
    const needs = (options.fast ? FAST_LAYERS[layer.type] : undefined) ?? LAYERS[layer.type];
    add(needs.infer, `${id} ${layer.type}`);
    if ("activation" in layer) add(ACTIVATIONS[layer.activation].infer, `${id} ${layer.activation}`);
    if (!train) continue;
    add(needs.train, `${id} ${layer.type} gradient`);
    if ("activation" in layer) add(ACTIVATIONS[layer.activation].train, `${id} ${layer.activation} gradient`);
    if (layer.type.startsWith("conv") && options.compositeConv2dBackpropFilter) add(CONV2D_BACKPROP_FILTER_PARTS, `${id} Conv2DBackpropFilter`);
  }
  if (!train) return needed;
  add(LOSS_AND_METRICS, `${spec.loss} loss and metrics`);
  if (spec.loss === "bce") add(BCE_GRAD, "clipped BCE gradient");
  const { l1, l2, activityL1 } = spec.regularization;
  if (l1 > 0 || activityL1 > 0) add(L1_GRAD, "L1 penalty gradient");
  if (l1 > 0 || l2 > 0) add(["AddN", "Square", "Multiply"], "weight penalty");
  if (spec.variational) add(["Exp", "Square", "Multiply", "Add", "Sub", "Sum"], "VAE reparameterisation and KL term");
  add(OPTIMIZERS, "optimizer update");
  return needed;
}

/** Human-readable reasons for each needed kernel the backend lacks; empty when it has them all. */
export function missingKernels(needed: Map<string, string>, available: ReadonlySet<string>, tfName: string): string[] {
  return [...needed]
    .filter(([name]) => !available.has(name))
    .map(([name, why]) => `kernel '${name}' is not registered for tfjs backend '${tfName}' (needed by ${why})`);
}
