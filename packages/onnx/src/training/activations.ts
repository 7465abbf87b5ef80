/**
 * Activations in the training graphs: the forward pass is the exporter's own
 * (`emitActivation`), so training and inference compute the same values; the
 * backward rules follow TensorFlow.js's gradient definitions exactly:
 * - relu: dy where x > 0, else 0 (`step(x)`); leakyRelu: dy where x > 0, else α·dy;
 * - elu: tfjs's EluGrad from the output, dy where y ≥ 0, else dy·(y + 1);
 * - gelu (exact, 0.5·x·(1 + erf(x/√2))): the product rule through erf, whose
 *   derivative tfjs takes as 2/√π·exp(−u²);
 * - tanh: dy·(1 − y²); sigmoid: dy·y·(1 − y).
 * relu and leakyRelu test y > 0, which is x > 0 for both.
 */
import { AelabError, ErrorCode, type Activation } from "@aelab/core";
import { emitActivation } from "../internal/emit-layers.ts";
import { attr } from "../internal/graph-builder.ts";
import type { Emitter } from "./emitter.ts";
import { LEAKY_RELU_ALPHA } from "../compatibility.ts";

/** y = activation(z). */
export function activationForward(e: Emitter, z: string, activation: Activation, base: string): string {
  return emitActivation(e.g, { name: z, shape: [], physical: "flat" }, activation, base).name;
}

/** Whether the backward rule reads the pre-activation (only gelu; the others read the output). */
export function backwardNeedsInput(activation: Activation): boolean {
  return activation === "gelu";
}

/** dz from dy, given the activation's input `z` and output `y`. */
export function activationBackward(e: Emitter, dy: string, z: string, y: string, activation: Activation, base: string): string {
  const zero = e.scalar(0);
  const one = e.scalar(1);
  switch (activation) {
    case "linear":
      return dy;
    case "relu":
      // tfjs's own form, dy·step(x), as a Mul: ONNX Runtime's Where is several times slower on large values.
      return e.mul(dy, e.op("Cast", [e.op("Greater", [y, zero], {}, `${base}.relu_mask`)], { to: attr.int(1) }, `${base}.relu_step`), `${base}.relu_grad`);
    case "leakyRelu":
      return e.op("Where", [e.op("Greater", [y, zero], {}, `${base}.leaky_mask`), dy, e.scale(dy, LEAKY_RELU_ALPHA)], {}, `${base}.leaky_grad`);
    case "elu": {
      const mask = e.op("GreaterOrEqual", [y, zero], {}, `${base}.elu_mask`);
      return e.op("Where", [mask, dy, e.mul(dy, e.add(y, one))], {}, `${base}.elu_grad`);
    }
    case "tanh":
      return e.mul(dy, e.sub(one, e.mul(y, y)), `${base}.tanh_grad`);
    case "sigmoid":
      return e.mul(dy, e.mul(y, e.sub(one, y)), `${base}.sigmoid_grad`);
    case "gelu": {
      // d/dz [½z(1 + erf(z/√2))] = ½(1 + erf(z/√2)) + ½z · (2/√π)·exp(−z²/2) · (1/√2)
      const u = e.scale(z, Math.SQRT1_2);
      const cdf = e.scale(e.add(e.op("Erf", [u]), one), 0.5);
      const density = e.op("Exp", [e.op("Neg", [e.mul(u, u)])]);
      const slope = e.add(cdf, e.mul(e.scale(z, 0.5 * (2 / Math.sqrt(Math.PI)) * Math.SQRT1_2), density));
      return e.mul(dy, slope, `${base}.gelu_grad`);
    }
    default: {
      const unknown: never = activation;
      throw new AelabError(ErrorCode.Internal, `Unknown activation for ONNX training. Received: ${String(unknown)}`);
    }
  }
}
