/**
 * The forward pass of a training graph, keeping a tape of backward closures
 * (the saved activations are the forward values themselves), and its reverse
 * walk. A VAE's last encoder layer is its two heads on the same input, and in
 * training the decoder reads z = μ + exp(½·lv)·ε with ε fed as an input.
 */
import type { LayerInfo, ShapeReport } from "@aelab/core";
import { nhwcToNchw, type Emitter, type GraphTensor } from "./emitter.ts";
import { denseRule, layerRule, type Backprop, type LayerContext } from "./layer-rules.ts";

export interface ForwardOptions {
  e: Emitter;
  shapes: ShapeReport;
  /** The encoder's input, channels-last [N, ...inputShape]. */
  input: string;
  /** Graph name of a parameter by its neutral name. */
  param(name: string): string;
  /** Training: dropout multipliers by layer id (channels-last, as core draws them) and the VAE's ε; absent at evaluation. */
  training?: { masks: ReadonlyMap<string, string>; epsilon?: string };
}

export interface ForwardResult {
  /** The reconstruction, in the graph layout. */
  output: GraphTensor;
  /** The code (a VAE's mean), in the graph layout. */
  code: GraphTensor;
  logVar?: string;
  /**
   * Emits the backward pass from dL/d(output) plus the extra gradients the
   * objective puts on the code (activity, KL) and the log-variance (KL), and
   * returns the parameter gradients by neutral name.
   */
  backward(dOutput: string, extra: { code?: string; logVar?: string }): Map<string, string>;
}

interface TapeEntry {
  info: LayerInfo;
  backward: Backprop;
}

/** Per layer, whether any layer before it has parameters (only then does it need dL/dx). */
function needsInputGradients(layers: readonly LayerInfo[]): Map<string, boolean> {
  const needs = new Map<string, boolean>();
  let seen = false;
  for (const l of layers) {
    needs.set(l.id, seen);
    seen ||= l.params.length > 0;
  }
  return needs;
}

export function emitForward(options: ForwardOptions): ForwardResult {
  const { e, shapes, training } = options;
  const grads = new Map<string, string>();
  const addGrad = (name: string, value: string) => {
    const previous = grads.get(name);
    grads.set(name, previous ? e.add(previous, value, `${name}.grad_sum`) : value);
  };
  const context = (info: LayerInfo): LayerContext => {
    const fed = training?.masks.get(info.id);
    const mask = fed && info.inputShape.length === 3 ? nhwcToNchw(e, fed, info.inputShape, `${info.id}.mask`) : fed;
    return { e, info, param: options.param, grad: addGrad, mask };
  };
  const needInput = needsInputGradients(shapes.layers);
  const encoderTape: TapeEntry[] = [];
  const decoderTape: TapeEntry[] = [];

  let x: GraphTensor = { name: options.input, shape: shapes.inputShape };
  if (x.shape.length === 3) x = { name: nhwcToNchw(e, x.name, x.shape, "input"), shape: x.shape };
  let vae: { mean: Backprop; logVar: Backprop; logVarValue: string; sigma?: string; info: LayerInfo } | undefined;
  for (const info of shapes.layers.filter((l) => l.part === "encoder")) {
    if (info.id === shapes.variationalLayer && info.layer.type === "dense") {
      const ctx = context(info);
      const mean = denseRule(ctx, x, info.id, info.layer.units, "linear");
      const logVar = denseRule(ctx, x, `${info.id}.logvar`, info.layer.units, "linear");
      vae = { mean: mean.backward, logVar: logVar.backward, logVarValue: logVar.output.name, info };
      x = mean.output;
      continue;
    }
    const step = layerRule(context(info), x);
    encoderTape.push({ info, backward: step.backward });
    x = step.output;
  }
  const code = x;
  let z = code;
  if (vae && training?.epsilon) {
    vae.sigma = e.op("Exp", [e.scale(vae.logVarValue, 0.5, "vae.half_logvar")], {}, "vae.sigma");
    z = { name: e.add(code.name, e.mul(vae.sigma, training.epsilon, "vae.noise"), "vae.z"), shape: code.shape };
  }
  for (const info of shapes.layers.filter((l) => l.part === "decoder")) {
    const step = layerRule(context(info), z);
    decoderTape.push({ info, backward: step.backward });
    z = step.output;
  }

  const walk = (tape: TapeEntry[], d: string | undefined): string | undefined => {
    let g = d;
    for (const entry of [...tape].reverse()) {
      if (g === undefined) return undefined;
      g = entry.backward(g, needInput.get(entry.info.id) ?? false);
    }
    return g;
  };

  return {
    output: z,
    code,
    logVar: vae?.logVarValue,
    backward(dOutput, extra) {
      const fromDecoder = walk(decoderTape, dOutput);
      const sum = (a: string | undefined, b: string | undefined, base: string) => (a && b ? e.add(a, b, base) : (a ?? b));
      let dCode = sum(fromDecoder, extra.code, "code.grad");
      if (vae) {
        const info = vae.info;
        // z = μ + σ·ε: dz reaches μ as is and lv as dz·ε·½σ.
        const viaNoise =
          fromDecoder && vae.sigma && training?.epsilon
            ? e.mul(e.mul(fromDecoder, training.epsilon, "vae.dz_eps"), e.scale(vae.sigma, 0.5, "vae.half_sigma"), "vae.logvar_grad_z")
            : undefined;
        const dLogVar = sum(viaNoise, extra.logVar, "vae.logvar_grad");
        const need = needInput.get(info.id) ?? false;
        const fromMean = dCode ? vae.mean(dCode, need) : undefined;
        const fromLogVar = dLogVar ? vae.logVar(dLogVar, need) : undefined;
        dCode = sum(fromMean, fromLogVar, `${info.id}.input_grad_sum`);
      }
      walk(encoderTape, dCode);
      return grads;
    },
  };
}
