/**
 * @aelab/core: the contracts every aelab package shares. No backend, database
 * or framework dependency; runs in Node and in the browser.
 */
export { AelabError, ErrorCode, isAelabError, describeValue, formatShape } from "./errors.ts";
export type { AelabErrorOptions } from "./errors.ts";
export { ACTIVATIONS, activationSchema, autoencoderSpecSchema, layerSchema, inputScalingSchema, optimizerSchema, trainingConfigSchema } from "./spec.ts";
export type {
  Activation,
  AutoencoderSpec,
  AutoencoderSpecInput,
  Conv2dLayer,
  Conv2dTransposeLayer,
  DenseLayer,
  DropoutLayer,
  InputScaling,
  LayerSpec,
  LayerType,
  MaxPool2dLayer,
  OptimizerConfig,
  ReshapeLayer,
  TrainingConfig,
  TrainingConfigInput,
  UpSampling2dLayer,
} from "./spec.ts";
export { asPair, inferShapes, parameterInfos } from "./shapes.ts";
export type { LayerInfo, ParameterInfo, ShapeReport } from "./shapes.ts";
export { formatIssues, parseSpec, parseTrainingConfig, parseWith } from "./parse.ts";
export { gatherRows, maxAbsDiff, nchwToNhwc, nhwcToNchw, shapeSize, sliceBatch, tensor } from "./tensor.ts";
export type { Float32Tensor } from "./tensor.ts";
export { Random } from "./random.ts";
export { deserializeWeights, hashWeights, initializeWeights, serializeWeights, validateWeights, weightsMap } from "./weights.ts";
export type { NamedTensor, NeutralWeights } from "./weights.ts";
export type {
  Backend,
  BackendInfo,
  EvaluationSums,
  ModelHandler,
  ModelOptions,
  ScoreMetric,
  SupportReport,
  TrainerHandler,
  TrainerOptions,
} from "./backend.ts";
export { BackendRegistry } from "./backend-registry.ts";
export type { ResolveOptions } from "./backend-registry.ts";
export { BCE_EPSILON, mean, meanImageBaseline, perSampleBce, perSampleMse } from "./metrics.ts";
export { scaleInput, unitRange } from "./input-scaling.ts";
export type { ScaleInputOptions, UnitRange } from "./input-scaling.ts";
export { PRESET_NAMES, isPresetName, presetSpec, specWarnings } from "./presets.ts";
export type { PresetName, PresetOptions } from "./presets.ts";
export { corruptInput, drawTrainingRandomness } from "./training-randomness.ts";
export type { TrainingDraws } from "./training-randomness.ts";
export { generate, interpolateCodes, priorCodes } from "./generate.ts";
export type { GenerateOptions } from "./generate.ts";
