/**
 * Named architectures, parameterised by code (hidden) size and input shape, so
 * that dense and convolutional models compare at the same code size.
 */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import { inferShapes } from "./shapes.ts";
import { autoencoderSpecSchema, type AutoencoderSpec, type AutoencoderSpecInput, type LayerSpec } from "./spec.ts";
import { shapeSize } from "./tensor.ts";

export const PRESET_NAMES = ["dense", "deep-dense", "conv", "seed-conv", "denoising", "sparse", "vae"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetOptions {
  inputShape: number[];
  /** Code size; ignored by `seed-conv`, whose code is the 7×7×16 feature map. */
  hiddenSize: number;
  loss?: "mse" | "bce";
  name?: string;
  /**
   * Hidden layers between the input and the code (the decoder mirrors them).
   * Dense presets (`dense` 0, `sparse` 0, `vae` 1, `deep-dense` 2, `denoising` 2
   * by default): dense relu layers of 256, 128, 64, … units, 0–6 of them.
   * `conv` (2 by default): conv+pool blocks of …, 32, 16, 8 filters, 1–4 of them,
   * the image's height and width divisible by 2^depth. `seed-conv` has a fixed depth.
   */
  depth?: number;
}

const DEFAULT_DEPTH: Record<PresetName, number> = { dense: 0, sparse: 0, vae: 1, "deep-dense": 2, denoising: 2, conv: 2, "seed-conv": 2 };
const DEPTH_RANGE: Record<PresetName, [number, number]> = {
  dense: [0, 6],
  sparse: [0, 6],
  vae: [0, 6],
  "deep-dense": [0, 6],
  denoising: [0, 6],
  conv: [1, 4],
  "seed-conv": [2, 2],
};

/** Widths of the hidden dense layers of a depth-`depth` MLP preset: 256, 128, 64, … */
function mlpWidths(depth: number): number[] {
  return Array.from({ length: depth }, (_, i) => 256 >> i);
}

function requireDepth(preset: PresetName, depth: number | undefined): number {
  const d = depth ?? DEFAULT_DEPTH[preset];
  const [lo, hi] = DEPTH_RANGE[preset];
  if (!Number.isInteger(d) || d < lo || d > hi) {
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `Preset "${preset}" takes a depth (hidden layers before the code) that is an integer from ${lo} to ${hi}. Received: depth=${String(depth)}`,
    );
  }
  return d;
}

function requireImage(preset: string, shape: number[], divisor: number): [number, number, number] {
  if (shape.length !== 3 || shape[0] % divisor !== 0 || shape[1] % divisor !== 0) {
    throw new AelabError(
      ErrorCode.InvalidSpec,
      `Preset "${preset}" needs an image input [height, width, channels] with height and width divisible by ${divisor}. Received: input shape ${formatShape(shape)}`,
    );
  }
  return [shape[0], shape[1], shape[2]];
}

/** What a preset adds besides its layers: noise, sparsity, the VAE's KL term, its default loss. */
const PRESET_EXTRAS: Partial<Record<PresetName, Partial<AutoencoderSpecInput>>> = {
  // The Keras tutorial's corruption: N(0, 0.5²) added, then clipped back to the pixel range.
  denoising: { noise: { type: "gaussian", stddev: 0.5, clip: [0, 1] } },
  // Keras's sparse example: an L1 activity penalty of 1e-4 on a relu code.
  sparse: { regularization: { l1: 0, l2: 0, activityL1: 1e-4 } },
  vae: { variational: { beta: 1 }, loss: "bce" },
  "seed-conv": { loss: "bce" },
};

function layersFor(preset: PresetName, shape: number[], hidden: number, depth: number): { encoder: LayerSpec[]; decoder: LayerSpec[] } {
  const d = shapeSize(shape);
  const unflatten: LayerSpec[] = shape.length > 1 ? [{ type: "reshape", targetShape: shape }] : [];
  const flatten: LayerSpec[] = shape.length > 1 ? [{ type: "flatten" }] : [];
  const widths = mlpWidths(depth);
  const hiddenLayers = (units: number[]): LayerSpec[] => units.map((u) => ({ type: "dense", units: u, activation: "relu" }));
  switch (preset) {
    case "dense":
    case "sparse":
    case "vae":
    case "denoising":
    case "deep-dense":
      return {
        encoder: [...flatten, ...hiddenLayers(widths), { type: "dense", units: hidden, activation: preset === "sparse" ? "relu" : "linear" }],
        decoder: [...hiddenLayers([...widths].reverse()), { type: "dense", units: d, activation: "sigmoid" }, ...unflatten],
      };
    case "conv": {
      const scale = 2 ** depth;
      const [h, w, c] = requireImage(preset, shape, scale);
      const conv = (filters: number): LayerSpec => ({ type: "conv2d", filters, kernelSize: 3, strides: 1, padding: "same", activation: "relu" });
      const pool: LayerSpec = { type: "maxPool2d", poolSize: 2, padding: "valid" };
      const up = (filters: number): LayerSpec => ({ type: "conv2dTranspose", filters, kernelSize: 3, strides: 2, padding: "same", activation: "relu" });
      // Block i of `depth` has 8·2^(depth−1−i) filters: 16, 8 at the default depth of 2.
      const filters = Array.from({ length: depth }, (_, i) => 8 << (depth - 1 - i));
      return {
        encoder: [...filters.flatMap((f) => [conv(f), pool]), { type: "flatten" }, { type: "dense", units: hidden, activation: "linear" }],
        decoder: [
          { type: "dense", units: (h / scale) * (w / scale) * 8, activation: "relu" },
          { type: "reshape", targetShape: [h / scale, w / scale, 8] },
          ...[...filters].reverse().map(up),
          { type: "conv2d", filters: c, kernelSize: 3, strides: 1, padding: "same", activation: "sigmoid" },
        ],
      };
    }
    case "seed-conv": {
      const [, , c] = requireImage(preset, shape, 4);
      return {
        encoder: [
          { type: "conv2d", filters: 32, kernelSize: 3, strides: 1, padding: "same", activation: "relu" },
          { type: "maxPool2d", poolSize: 2, padding: "same" },
          { type: "conv2d", filters: 16, kernelSize: 3, strides: 1, padding: "same", activation: "relu" },
          { type: "maxPool2d", poolSize: 2, padding: "same" },
        ],
        decoder: [
          { type: "conv2dTranspose", filters: 16, kernelSize: 3, strides: 2, padding: "same", activation: "relu" },
          { type: "conv2dTranspose", filters: 32, kernelSize: 3, strides: 2, padding: "same", activation: "relu" },
          { type: "conv2d", filters: c, kernelSize: 3, strides: 1, padding: "same", activation: "sigmoid" },
        ],
      };
    }
    default: {
      const unknown: never = preset;
      throw new AelabError(ErrorCode.InvalidSpec, `Unknown preset. Received: ${String(unknown)}`);
    }
  }
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * Builds a validated spec from a preset.
 *
 * @example
 * const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 32 });
 */
export function presetSpec(preset: string, options: PresetOptions): AutoencoderSpec {
  if (!isPresetName(preset)) {
    throw new AelabError(ErrorCode.InvalidSpec, `Unknown architecture preset; expected one of ${PRESET_NAMES.join(", ")}. Received: ${JSON.stringify(preset)}`);
  }
  if (!Number.isInteger(options.hiddenSize) || options.hiddenSize < 1) {
    throw new AelabError(ErrorCode.InvalidSpec, `hiddenSize must be a positive integer. Received: hiddenSize=${String(options.hiddenSize)}`);
  }
  const input: AutoencoderSpecInput = {
    name:
      options.name ??
      (preset === "seed-conv"
        ? preset
        : `${preset}-h${options.hiddenSize}${options.depth !== undefined && options.depth !== DEFAULT_DEPTH[preset] ? `-d${options.depth}` : ""}`),
    architecture: preset,
    input: { shape: options.inputShape, scaling: "unit" },
    ...layersFor(preset, options.inputShape, options.hiddenSize, requireDepth(preset, options.depth)),
    ...PRESET_EXTRAS[preset],
    loss: options.loss ?? PRESET_EXTRAS[preset]?.loss ?? "mse",
  };
  const spec = autoencoderSpecSchema.parse(input);
  inferShapes(spec);
  return spec;
}

/** Warns when a code is at least as large as the input and nothing stops it learning the identity. */
export function specWarnings(spec: AutoencoderSpec): string[] {
  const { codeSize } = inferShapes(spec);
  const inputSize = shapeSize(spec.input.shape);
  const regularised = spec.noise !== undefined || spec.regularization.activityL1 > 0 || spec.variational !== undefined;
  return codeSize >= inputSize && !regularised
    ? [
        `The code (${codeSize} values) is not smaller than the input (${inputSize}) and the spec has no noise, sparsity penalty or KL term, so the model can learn the identity.`,
      ]
    : [];
}
