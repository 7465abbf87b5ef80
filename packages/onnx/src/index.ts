/**
 * @aelab/onnx: exports aelab autoencoders to ONNX in pure TypeScript (Node and
 * browsers), and reads the metadata back. The reference forward pass used to
 * test exports lives in the `@aelab/onnx/testing` subpath.
 */
export { ELU_ALPHA, LEAKY_RELU_ALPHA, ONNX_COMPATIBILITY } from "./compatibility.ts";
export type { OnnxLayout, OnnxPart } from "./compatibility.ts";
export { AELAB_ONNX_VERSION, exportOnnx, onnxSupport } from "./export-onnx.ts";
export type { ExportOnnxOptions } from "./export-onnx.ts";
export { AELAB_ONNX_FORMAT, METADATA_KEYS, ONNX_IO_NAMES, ONNX_LOGVAR_OUTPUT, readOnnxMetadata } from "./metadata.ts";
export type { AelabOnnxMetadata, OnnxModelInfo, OnnxSelfTest, OnnxValueInfo } from "./metadata.ts";
export { convAxisPads, convTransposeAxisPads, onnxPads2d } from "./padding.ts";
export type { AxisPads, TransposeAxisPads } from "./padding.ts";
export { buildGradientGraph, buildTrainingGraphs, trainingSupport } from "./training/build-training-graphs.ts";
export type {
  TrainingGraphIo,
  TrainingGraphOptions,
  TrainingGraphs,
  TrainingParameterIo,
  TrainingParameterVectorIo,
  TrainingStateIo,
} from "./training/build-training-graphs.ts";
export { RMSPROP_DECAY } from "./training/optimizers.ts";
export { fromGraphLayout, fromParameterVector, graphParameterShape, toGraphLayout, toParameterVector } from "./training/parameter-layout.ts";
export type { ParameterSlot } from "./training/parameter-layout.ts";
