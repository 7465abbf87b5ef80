/**
 * The training objective in ONNX ops, with the definitions of core's metrics
 * and backend-tfjs's losses (per-sample means over the D features of a sample,
 * then the batch mean):
 * - mse: Σ(y − t)²/D; bce: −Σ[t·log p + (1 − t)·log(1 − p)]/D with
 *   p = clip(y, ε, 1 − ε), ε = BCE_EPSILON; the gradient is zero where the
 *   clip is active (tfjs's ClipByValue gradient passes only for ε ≤ y ≤ 1 − ε);
 * - activity L1 on the code: a·Σ|code| per sample, whose gradient uses tfjs's
 *   |x|′ = step(x, −1) (1 for x > 0, −1 otherwise);
 * - a VAE adds β·KL/D per sample, KL = −½Σ(1 + lv − μ² − exp lv);
 * - weight penalties l1·Σ|W| + l2·ΣW² over kernels (not biases), added once per
 *   step (tfjs) and once per sample in an evaluation's loss sum.
 * Every "total" here is a sum over the batch; the step divides by N.
 */
import { BCE_EPSILON, type AutoencoderSpec } from "@aelab/core";
import { attr } from "../internal/graph-builder.ts";
import type { Emitter } from "./emitter.ts";

export interface Reconstruction {
  /** Σ over the batch of the per-sample reconstruction loss (the spec's). */
  total: string;
  /** dL/dy for L = total · `scale` (a graph scalar, e.g. 1/N). */
  grad(scale: string): string;
}

function absGradSign(e: Emitter, x: string, base: string): string {
  return e.op("Where", [e.op("Greater", [x, e.scalar(0)], {}, `${base}_pos`), e.scalar(1), e.scalar(-1)], {}, base);
}

/** Σ_n mse_n over a batch, and its gradient. */
export function mseLoss(e: Emitter, output: string, target: string, features: number): Reconstruction {
  const diff = e.sub(output, target, "mse.diff");
  // One pass over the batch instead of a Mul and a ReduceSum.
  const squares = e.op("ReduceSumSquare", [diff], { keepdims: attr.int(0) }, "mse.sum");
  const total = e.scale(squares, 1 / features, "mse.total");
  return { total, grad: (scale) => e.mul(diff, e.scale(scale, 2 / features, "mse.grad_scale"), "mse.grad") };
}

/** Σ_n bce_n over a batch (clipped probabilities), and its gradient (zero where clipped). */
export function bceLoss(e: Emitter, output: string, target: string, features: number): Reconstruction {
  const lo = e.scalar(BCE_EPSILON);
  const hi = e.scalar(1 - BCE_EPSILON);
  const one = e.scalar(1);
  const p = e.op("Clip", [output, lo, hi], {}, "bce.p");
  const q = e.sub(one, p, "bce.q");
  const notT = e.sub(one, target, "bce.not_t");
  const ll = e.add(e.mul(target, e.op("Log", [p], {}, "bce.log_p")), e.mul(notT, e.op("Log", [q], {}, "bce.log_q")), "bce.ll");
  const total = e.scale(e.sumAll(ll, "bce.sum"), -1 / features, "bce.total");
  return {
    total,
    grad(scale) {
      const g = e.sub(e.div(notT, q, "bce.dq"), e.div(target, p, "bce.dp"), "bce.dy");
      const inRange = e.op(
        "And",
        [e.op("GreaterOrEqual", [output, lo], {}, "bce.above"), e.op("LessOrEqual", [output, hi], {}, "bce.below")],
        {},
        "bce.unclipped",
      );
      return e.op("Where", [inRange, e.mul(g, e.scale(scale, 1 / features, "bce.grad_scale")), e.scalar(0)], {}, "bce.grad");
    },
  };
}

export function reconstructionLoss(e: Emitter, spec: AutoencoderSpec, output: string, target: string, features: number): Reconstruction {
  return spec.loss === "bce" ? bceLoss(e, output, target, features) : mseLoss(e, output, target, features);
}

/** a·Σ|code| over the batch, and its gradient for L = total·scale; null when activityL1 is 0. */
export function activityPenalty(e: Emitter, spec: AutoencoderSpec, code: string): { total: string; grad(scale: string): string } | null {
  const a = spec.regularization.activityL1;
  if (a === 0) return null;
  const total = e.scale(e.sumAll(e.op("Abs", [code], {}, "activity.abs"), "activity.sum"), a, "activity.total");
  return { total, grad: (scale) => e.mul(absGradSign(e, code, "activity.sign"), e.scale(scale, a, "activity.grad_scale"), "activity.grad") };
}

/** Σ_n KL_n of N(μ, exp lv) from N(0, I), and the gradients of KL·scale with respect to μ and lv. */
export function klDivergence(e: Emitter, mean: string, logVar: string): { total: string; gradMean(scale: string): string; gradLogVar(scale: string): string } {
  const variance = e.op("Exp", [logVar], {}, "kl.var");
  const terms = e.sub(e.add(e.scalar(1), logVar, "kl.one_plus_lv"), e.add(e.mul(mean, mean, "kl.mean_sq"), variance, "kl.mean_sq_var"), "kl.terms");
  return {
    total: e.scale(e.sumAll(terms, "kl.sum"), -0.5, "kl.total"),
    gradMean: (scale) => e.mul(mean, scale, "kl.grad_mean"),
    gradLogVar: (scale) => e.mul(e.sub(variance, e.scalar(1), "kl.var_m1"), e.scale(scale, 0.5, "kl.half_scale"), "kl.grad_logvar"),
  };
}

/** l1·Σ|W| + l2·ΣW² over `kernels` (graph names by parameter), with each kernel's gradient; null without penalties. */
export function weightPenalty(
  e: Emitter,
  spec: AutoencoderSpec,
  kernels: readonly { name: string; value: string }[],
): { total: string; grads: Map<string, string> } | null {
  const { l1, l2 } = spec.regularization;
  if ((l1 === 0 && l2 === 0) || kernels.length === 0) return null;
  const terms: string[] = [];
  const grads = new Map<string, string>();
  for (const { name, value } of kernels) {
    const parts: string[] = [];
    if (l1 > 0) {
      terms.push(e.scale(e.sumAll(e.op("Abs", [value], {}, `${name}.l1_abs`), `${name}.l1_sum`), l1, `${name}.l1`));
      parts.push(e.scale(absGradSign(e, value, `${name}.l1_sign`), l1, `${name}.l1_grad`));
    }
    if (l2 > 0) {
      terms.push(e.scale(e.sumAll(e.mul(value, value, `${name}.l2_sq`), `${name}.l2_sum`), l2, `${name}.l2`));
      parts.push(e.scale(value, 2 * l2, `${name}.l2_grad`));
    }
    grads.set(name, parts.length === 1 ? parts[0] : e.add(parts[0], parts[1], `${name}.penalty_grad`));
  }
  const total = terms.length === 1 ? terms[0] : e.op("Sum", terms, {}, "penalty");
  return { total, grads };
}

/** Σ_n mse_n and Σ_n bce_n, whatever the training loss (the evaluation graph reports both). */
export function metricSums(e: Emitter, output: string, target: string, features: number): { mse: string; bce: string } {
  return { mse: mseLoss(e, output, target, features).total, bce: bceLoss(e, output, target, features).total };
}
