/**
 * The one place that says what the exporter emits and which runtimes were
 * checked against it. Anything outside this table is refused at export time
 * with `EXPORT_UNSUPPORTED`, rather than producing a file a runtime rejects.
 */
import type { Activation, LayerType } from "@aelab/core";

/** Negative slope of `leakyRelu`: tfjs-core's `tf.leakyRelu(x, alpha = 0.2)` default (not Keras's LeakyReLU layer default of 0.3). */
export const LEAKY_RELU_ALPHA = 0.2;

/** Alpha of `elu`, as in `tf.elu`: x for x > 0, exp(x) − 1 otherwise. */
export const ELU_ALPHA = 1.0;

export const ONNX_COMPATIBILITY = {
  /** ONNX IR version written into ModelProto.ir_version. */
  irVersion: 8,
  /** Default-domain opset imported by every exported model. */
  opset: 17,
  /**
   * Runtimes and tools every export is tested against (see the package tests).
   * onnx 1.12 is the newest checker on the build machine; it knows IR ≤ 8 and opset ≤ 17,
   * which is why the exporter does not use Gelu (opset 20) and spells GELU with Erf.
   */
  testedWith: {
    "onnxruntime-node": "1.30.0",
    "onnxruntime-web": "1.30.0",
    "onnx.checker (full_check)": "1.12.0",
  },
  /** Element type of every input, output and initializer. */
  dtypes: ["float32"],
  parts: ["encoder", "decoder", "full"],
  layouts: ["nhwc", "nchw"],
  /**
   * ONNX operators each layer type becomes (Transpose is added around NCHW-only ops as the layout needs).
   * Dropout is the identity at inference and emits no node.
   */
  layers: {
    dense: ["Gemm"],
    conv2d: ["Conv"],
    conv2dTranspose: ["ConvTranspose"],
    maxPool2d: ["MaxPool"],
    upSampling2d: ["Resize"],
    flatten: ["Flatten"],
    reshape: ["Reshape"],
    dropout: [],
  },
  activations: {
    relu: ["Relu"],
    leakyRelu: ["LeakyRelu"],
    elu: ["Elu"],
    gelu: ["Mul", "Erf", "Add"],
    tanh: ["Tanh"],
    sigmoid: ["Sigmoid"],
    linear: [],
  },
  /**
   * Graph outputs of a variational autoencoder (`spec.variational`). The encoder's last
   * dense layer becomes two Gemm heads on the same input: its first output is the code's
   * mean (named as for any encoder), its second the log-variance. The full model decodes
   * the mean (nothing samples at inference); the decoder is unchanged.
   */
  variational: {
    encoder: ["code", "code_logvar"],
    decoder: ["reconstruction"],
    full: ["reconstruction"],
  },
  /** Every operator an export can contain. */
  operators: [
    "Add",
    "Conv",
    "ConvTranspose",
    "Elu",
    "Erf",
    "Flatten",
    "Gemm",
    "Identity",
    "LeakyRelu",
    "MaxPool",
    "Mul",
    "Relu",
    "Reshape",
    "Resize",
    "Sigmoid",
    "Tanh",
    "Transpose",
  ],
  /**
   * Training graphs (`buildTrainingGraphs`, `buildGradientGraph`): the same IR, opset and
   * dtype, explicit pads, NCHW inside. Every operator they can contain, checked by
   * onnx.checker (full_check) and run by onnxruntime-node and onnxruntime-web 1.30.
   */
  training: {
    optimizers: ["adam", "sgd", "rmsprop"],
    operators: [
      "Abs",
      "Add",
      "And",
      "Cast",
      "Clip",
      "Concat",
      "ConstantOfShape",
      "Conv",
      "ConvTranspose",
      "Div",
      "Elu",
      "Erf",
      "Exp",
      "Gemm",
      "Greater",
      "GreaterOrEqual",
      "Identity",
      "LeakyRelu",
      "LessOrEqual",
      "Log",
      "MaxPool",
      "MaxUnpool",
      "Mul",
      "Neg",
      "Reciprocal",
      "ReduceSum",
      "ReduceSumSquare",
      "Relu",
      "Reshape",
      "Resize",
      "ScatterElements",
      "Shape",
      "Sigmoid",
      "Size",
      "Slice",
      "Split",
      "Sqrt",
      "Squeeze",
      "Sub",
      "Sum",
      "Tanh",
      "Transpose",
      "Where",
    ],
  },
} as const satisfies {
  irVersion: number;
  opset: number;
  testedWith: Record<string, string>;
  dtypes: readonly string[];
  parts: readonly string[];
  layouts: readonly string[];
  layers: Record<LayerType, readonly string[]>;
  variational: Record<"encoder" | "decoder" | "full", readonly string[]>;
  activations: Record<Activation, readonly string[]>;
  operators: readonly string[];
  training: { optimizers: readonly string[]; operators: readonly string[] };
};

export type OnnxPart = (typeof ONNX_COMPATIBILITY.parts)[number];
export type OnnxLayout = (typeof ONNX_COMPATIBILITY.layouts)[number];
