/**
 * @aelab/onnx/testing: the TensorFlow.js-semantics reference forward pass and
 * small tensor helpers, for parity tests in this and other packages.
 */
export { referenceForward, referenceOutputs } from "./reference-forward.ts";
export type { ReferenceForwardOptions, ReferenceOutputs } from "./reference-forward.ts";
export { erf } from "./erf.ts";
export { randomTensor, testWeights } from "./layout.ts";
export { nchwToNhwc, nhwcToNchw } from "@aelab/core";
export { referenceTrainingLoss } from "./reference-training.ts";
export type { ReferenceTrainingLossOptions } from "./reference-training.ts";
export { ONNX_CHECKER_PYTHON, onnxCheckerProblem, runOnnxChecker } from "./onnx-checker.ts";
