/**
 * The autoencoder specification: one JSON-serialisable description that every
 * backend, the exporter and the tracker share. Validated with zod; shapes are
 * checked separately by `inferShapes` before any tensor is made.
 */
import { z } from "zod";

export const ACTIVATIONS = ["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid", "linear"] as const;
export const activationSchema = z.enum(ACTIVATIONS);
export type Activation = z.infer<typeof activationSchema>;

const positiveInt = z.number().int().positive();
const pair = z.union([positiveInt, z.tuple([positiveInt, positiveInt])]);
const paddingSchema = z.enum(["same", "valid"]);

export const denseLayerSchema = z.strictObject({
  type: z.literal("dense"),
  units: positiveInt,
  activation: activationSchema.default("relu"),
});
export const conv2dLayerSchema = z.strictObject({
  type: z.literal("conv2d"),
  filters: positiveInt,
  kernelSize: pair.default(3),
  strides: pair.default(1),
  padding: paddingSchema.default("same"),
  activation: activationSchema.default("relu"),
});
export const conv2dTransposeLayerSchema = z.strictObject({
  type: z.literal("conv2dTranspose"),
  filters: positiveInt,
  kernelSize: pair.default(3),
  strides: pair.default(2),
  padding: paddingSchema.default("same"),
  activation: activationSchema.default("relu"),
});
export const maxPool2dLayerSchema = z.strictObject({
  type: z.literal("maxPool2d"),
  poolSize: pair.default(2),
  strides: pair.optional(),
  padding: paddingSchema.default("valid"),
});
export const upSampling2dLayerSchema = z.strictObject({
  type: z.literal("upSampling2d"),
  size: pair.default(2),
});
export const flattenLayerSchema = z.strictObject({ type: z.literal("flatten") });
export const reshapeLayerSchema = z.strictObject({
  type: z.literal("reshape"),
  targetShape: z.array(positiveInt).min(1).max(3),
});
/**
 * Inverted dropout (Keras `Dropout`): in training each value is zeroed with
 * probability `rate` and the rest are scaled by 1/(1 − rate); at inference it
 * is the identity.
 */
export const dropoutLayerSchema = z.strictObject({
  type: z.literal("dropout"),
  rate: z.number().gt(0).lt(1),
});

export const layerSchema = z.discriminatedUnion("type", [
  denseLayerSchema,
  conv2dLayerSchema,
  conv2dTransposeLayerSchema,
  maxPool2dLayerSchema,
  upSampling2dLayerSchema,
  flattenLayerSchema,
  reshapeLayerSchema,
  dropoutLayerSchema,
]);
export type LayerSpec = z.infer<typeof layerSchema>;
export type LayerType = LayerSpec["type"];
export type DenseLayer = z.infer<typeof denseLayerSchema>;
export type Conv2dLayer = z.infer<typeof conv2dLayerSchema>;
export type Conv2dTransposeLayer = z.infer<typeof conv2dTransposeLayerSchema>;
export type MaxPool2dLayer = z.infer<typeof maxPool2dLayerSchema>;
export type UpSampling2dLayer = z.infer<typeof upSampling2dLayerSchema>;
export type ReshapeLayer = z.infer<typeof reshapeLayerSchema>;
export type DropoutLayer = z.infer<typeof dropoutLayerSchema>;

/**
 * How the values a user holds (a data file's numbers, a request body) become
 * the model's input; recorded in the spec so that export and serving apply the
 * same step:
 * - `unit`: integer pixels in [0, 255] are divided by 255; values already in [0, 1] pass;
 * - `none`: values pass unchanged;
 * - `standardize`: `(x − mean[c]) / std[c]` per channel `c` (one entry, or one
 *   per channel of the last axis), with statistics taken from the training split.
 */
export const inputScalingSchema = z.union([
  z.enum(["unit", "none"]),
  z.strictObject({
    type: z.literal("standardize"),
    mean: z.array(z.number().finite()).min(1),
    std: z.array(z.number().finite().positive()).min(1),
  }),
]);
export type InputScaling = z.infer<typeof inputScalingSchema>;

export const autoencoderSpecSchema = z.strictObject({
  /** Format version of this document. */
  version: z.literal(1).default(1),
  name: z.string().min(1).max(200).default("autoencoder"),
  /** Preset family this spec was built from (dense, conv, …); informational, used to group runs. */
  architecture: z.string().min(1).max(100).default("custom"),
  input: z.strictObject({
    /** Shape of one sample: [features] or [height, width, channels] (channels last). */
    shape: z.array(positiveInt).min(1).max(3),
    /** How raw pixel values are mapped before the model sees them; recorded for export and serving. */
    scaling: inputScalingSchema.default("unit"),
  }),
  encoder: z.array(layerSchema).min(1),
  decoder: z.array(layerSchema).min(1),
  loss: z.enum(["mse", "bce"]).default("mse"),
  initializer: z.enum(["glorot", "he"]).default("glorot"),
  regularization: z
    .strictObject({
      l1: z.number().nonnegative().default(0),
      l2: z.number().nonnegative().default(0),
      /** L1 penalty on the code activations (sparse autoencoder). */
      activityL1: z.number().nonnegative().default(0),
    })
    .default({ l1: 0, l2: 0, activityL1: 0 }),
  /**
   * Input corruption applied in training only (denoising autoencoder); the
   * target stays the clean input. Gaussian noise may be clipped to a range
   * (the Keras tutorial clips noisy digits to [0, 1]).
   */
  noise: z
    .discriminatedUnion("type", [
      z.strictObject({
        type: z.literal("gaussian"),
        stddev: z.number().positive(),
        clip: z.tuple([z.number(), z.number()]).optional(),
      }),
      z.strictObject({ type: z.literal("masking"), rate: z.number().gt(0).lt(1) }),
    ])
    .optional(),
  /**
   * Variational autoencoder. The encoder's last layer must be a linear dense
   * layer: it becomes two heads, the mean and the log-variance of the code
   * (parameters `<id>.kernel`/`<id>.bias` and `<id>.logvar.kernel`/`<id>.logvar.bias`).
   * Training samples the code by reparameterisation; `encode` returns the mean.
   * The per-sample loss is reconstruction + β·KL / D (D = input features), i.e.
   * the negative ELBO per input value, on the same scale as other models' losses.
   */
  variational: z.strictObject({ beta: z.number().nonnegative().default(1) }).optional(),
});
export type AutoencoderSpec = z.infer<typeof autoencoderSpecSchema>;
export type AutoencoderSpecInput = z.input<typeof autoencoderSpecSchema>;

export const optimizerSchema = z.strictObject({
  name: z.enum(["adam", "sgd", "rmsprop"]).default("adam"),
  learningRate: z.number().positive().max(10).default(1e-3),
  momentum: z.number().min(0).lt(1).default(0),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  epsilon: z.number().positive().default(1e-7),
});
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

export const trainingConfigSchema = z.strictObject({
  epochs: positiveInt.max(10_000).default(5),
  batchSize: positiveInt.max(65_536).default(128),
  optimizer: optimizerSchema.default({
    name: "adam",
    learningRate: 1e-3,
    momentum: 0,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-7,
  }),
  /** Seeds weight initialisation, batch order and noise. */
  seed: z.number().int().nonnegative().default(42),
  /** Backend name or "auto" (fastest available that can train this model). */
  backend: z.string().min(1).default("auto"),
  /** Stop when validation loss has not improved by `minDelta` for `patience` epochs (Keras `EarlyStopping`). */
  earlyStopping: z.strictObject({ patience: positiveInt, minDelta: z.number().nonnegative().default(0) }).optional(),
  /**
   * Multiply the learning rate by `factor` when validation loss has not improved
   * by `minDelta` for `patience` epochs, then wait `cooldown` epochs (Keras
   * `ReduceLROnPlateau`, same defaults).
   */
  reduceLrOnPlateau: z
    .strictObject({
      factor: z.number().gt(0).lt(1).default(0.1),
      patience: positiveInt.default(10),
      minDelta: z.number().nonnegative().default(1e-4),
      cooldown: z.number().int().nonnegative().default(0),
      minLearningRate: z.number().nonnegative().default(0),
    })
    .optional(),
});
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;
