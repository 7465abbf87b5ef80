/**
 * Reconstruction losses and penalties as tfjs ops, with the same definitions as
 * core's `perSampleMse` / `perSampleBce`: per-sample means over features, and
 * probabilities clipped to [BCE_EPSILON, 1 − BCE_EPSILON].
 */
import * as tf from "@tensorflow/tfjs-core";
import { BCE_EPSILON, type AutoencoderSpec } from "@aelab/core";

function flat(t: tf.Tensor): tf.Tensor2D {
  return tf.reshape(t, [t.shape[0], -1]);
}

export function perSampleMse(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return tf.mean(tf.squaredDifference(flat(output), flat(target)), 1);
}

export function perSampleBce(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  const p = tf.clipByValue(flat(output), BCE_EPSILON, 1 - BCE_EPSILON);
  const t = flat(target);
  const ll = tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))));
  return tf.neg(tf.mean(ll, 1)) as tf.Tensor1D;
}

export function perSampleReconstruction(spec: AutoencoderSpec, target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  return spec.loss === "bce" ? perSampleBce(target, output) : perSampleMse(target, output);
}

/**
 * Per-sample activity penalty on the code, `activityL1 · Σ|code|` (Keras divides
 * the batch's activity loss by the batch size, i.e. takes this mean), or null.
 */
export function perSampleActivity(spec: AutoencoderSpec, code: tf.Tensor): tf.Tensor1D | null {
  const a = spec.regularization.activityL1;
  return a > 0 ? (tf.mul(tf.sum(tf.abs(flat(code)), 1), a) as tf.Tensor1D) : null;
}

/** `l1·Σ|W| + l2·ΣW²` over kernels (Keras `kernel_regularizer`; biases are not penalised), or null. */
export function weightPenalty(spec: AutoencoderSpec, kernels: tf.Tensor[]): tf.Scalar | null {
  const { l1, l2 } = spec.regularization;
  if ((l1 === 0 && l2 === 0) || kernels.length === 0) return null;
  const terms: tf.Scalar[] = [];
  for (const k of kernels) {
    if (l1 > 0) terms.push(tf.mul(tf.sum(tf.abs(k)), l1));
    if (l2 > 0) terms.push(tf.mul(tf.sum(tf.square(k)), l2));
  }
  return tf.addN(terms);
}

/**
 * Per-sample KL divergence of N(mean, exp(logVar)) from N(0, I), in nats:
 * −½ Σ (1 + logVar − mean² − exp(logVar)).
 */
export function perSampleKl(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  const terms = tf.sub(tf.add(1, flat(logVar)), tf.add(tf.square(flat(mean)), tf.exp(flat(logVar))));
  return tf.mul(tf.sum(terms, 1), -0.5) as tf.Tensor1D;
}

/**
 * The per-sample training loss without weight penalties: reconstruction, plus
 * the activity penalty, plus β·KL/D for a VAE (D = features per sample, so the
 * VAE's loss is its negative ELBO per input value). Also returns the KL.
 */
export function perSampleObjective(
  spec: AutoencoderSpec,
  parts: { target: tf.Tensor; output: tf.Tensor; code: tf.Tensor; logVar?: tf.Tensor },
): { loss: tf.Tensor1D; kl?: tf.Tensor1D } {
  let loss = perSampleReconstruction(spec, parts.target, parts.output);
  const activity = perSampleActivity(spec, parts.code);
  if (activity) loss = tf.add(loss, activity);
  if (!spec.variational || !parts.logVar) return { loss };
  const kl = perSampleKl(parts.code, parts.logVar);
  const features = parts.target.size / parts.target.shape[0];
  return { loss: tf.add(loss, tf.mul(kl, spec.variational.beta / features)), kl };
}
