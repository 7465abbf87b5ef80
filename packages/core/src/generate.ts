/**
 * Generating new samples with a trained autoencoder (data augmentation):
 * decode codes drawn from a VAE's prior, or codes on the straight line between
 * two inputs' codes. The decoding itself is the backend's; the codes are made here.
 */
import { AelabError, ErrorCode, formatShape } from "./errors.ts";
import type { ModelHandler } from "./backend.ts";
import { Random } from "./random.ts";
import { inferShapes } from "./shapes.ts";
import type { AutoencoderSpec } from "./spec.ts";
import { shapeSize, type Float32Tensor } from "./tensor.ts";

export type GenerateOptions = { mode: "prior"; count: number; seed: number } | { mode: "interpolate"; from: Float32Tensor; to: Float32Tensor; steps: number };

/** `count` codes from the standard normal prior N(0, I), shaped [count, ...codeShape]. */
export function priorCodes(spec: AutoencoderSpec, count: number, seed: number): Float32Tensor {
  if (!spec.variational) {
    throw new AelabError(
      ErrorCode.InvalidInput,
      `Sampling from the prior needs a variational autoencoder: a plain autoencoder's codes follow no known distribution. Use mode "interpolate" between two inputs instead. Received: spec "${spec.name}" without "variational"`,
    );
  }
  checkCount("count", count);
  const { codeShape } = inferShapes(spec);
  const rng = new Random(seed);
  const data = new Float32Array(count * shapeSize(codeShape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, shape: [count, ...codeShape] };
}

/** `steps` codes evenly spaced from `from` to `to` (both ends included); each is one code. */
export function interpolateCodes(from: Float32Tensor, to: Float32Tensor, steps: number): Float32Tensor {
  checkCount("steps", steps, 2);
  const d = from.data.length;
  if (from.shape[0] !== 1 || to.shape[0] !== 1 || to.data.length !== d) {
    throw new AelabError(
      ErrorCode.ShapeMismatch,
      `interpolate needs two single codes of the same shape. Received: ${formatShape(from.shape)} and ${formatShape(to.shape)}`,
    );
  }
  const data = new Float32Array(steps * d);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    for (let j = 0; j < d; j++) data[s * d + j] = (1 - t) * from.data[j] + t * to.data[j];
  }
  return { data, shape: [steps, ...from.shape.slice(1)] };
}

/**
 * Decodes new samples: from the VAE prior, or along the line between the codes
 * of two inputs (`from`/`to` are inputs, shaped [1, ...inputShape]).
 *
 * @example
 * const samples = await generate(model, spec, { mode: "prior", count: 16, seed: 1 });
 */
export async function generate(model: ModelHandler, spec: AutoencoderSpec, options: GenerateOptions): Promise<Float32Tensor> {
  if (options.mode === "prior") return model.decode(priorCodes(spec, options.count, options.seed));
  const [a, b] = [await model.encode(options.from), await model.encode(options.to)];
  return model.decode(interpolateCodes(a, b, options.steps));
}

function checkCount(name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min || value > 65_536) {
    throw new AelabError(ErrorCode.InvalidInput, `${name} must be an integer from ${min} to 65536. Received: ${name}=${String(value)}`);
  }
}
