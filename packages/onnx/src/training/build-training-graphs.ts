/**
 * `buildTrainingGraphs`: the whole training step of an autoencoder as one ONNX
 * model (batch, parameters and optimiser state in; updated parameters and
 * state and the loss out), plus an evaluation model (loss sums only, no
 * update). `buildGradientGraph` exposes the loss and the raw gradients, for
 * tests. Pure TypeScript: no runtime is needed to build them.
 */
import {
  AelabError,
  ErrorCode,
  inferShapes,
  parameterInfos,
  shapeSize,
  type AutoencoderSpec,
  type LayerSpec,
  type OptimizerConfig,
  type ParameterInfo,
  type ShapeReport,
} from "@aelab/core";
import pkg from "../../package.json" with { type: "json" };
import { ONNX_COMPATIBILITY } from "../compatibility.ts";
import { encodeModel } from "../internal/proto.ts";
import { DataType, type ValueInfoInit } from "../internal/onnx-types.ts";
import { attr } from "../internal/graph-builder.ts";
import { Emitter, nhwcToNchw } from "./emitter.ts";
import { emitForward, type ForwardResult } from "./forward.ts";
import { activityPenalty, klDivergence, metricSums, reconstructionLoss, weightPenalty } from "./losses.ts";
import { optimizerRule, optimizerState } from "./optimizers.ts";
import { graphParameterShape } from "./parameter-layout.ts";

/** One parameter: where it sits in the parameter vector, and its gradient's graph name. */
export interface TrainingParameterIo {
  /** Neutral name, e.g. `encoder.0.kernel`. */
  name: string;
  /** Neutral (channels-last) shape. */
  neutralShape: number[];
  /** Shape inside the graphs (see `toGraphLayout`). */
  shape: number[];
  /** First element in the parameter vector (graph layout, flattened; see `toParameterVector`). */
  offset: number;
  size: number;
  /** dL/d(parameter) (gradient graph). */
  gradient: string;
}

/** All parameters as one float32 vector: every graph's input, and the train step's updated output. */
export interface TrainingParameterVectorIo {
  input: string;
  output: string;
  size: number;
}

/** One optimiser state tensor: a slot shaped like the parameter vector (`vector`), or a global scalar. */
export interface TrainingStateIo {
  name: string;
  vector: boolean;
  shape: number[];
  /** Initial value of every element. */
  init: number;
  input: string;
  output: string;
}

export interface TrainingGraphIo {
  /** What the encoder sees, channels-last [N, ...input shape] (for a denoising model, the corrupted batch). */
  input: string;
  /** The clean batch when the spec has input noise; otherwise the input is the target. */
  target?: string;
  /** Scalar learning rate (train step only). */
  learningRate: string;
  /** Per dropout layer, its fed multiplier [N, ...layer input shape], channels-last, as `drawTrainingRandomness` draws it. */
  masks: { layer: string; name: string; shape: number[] }[];
  /** A VAE's ε, [N, code size]. */
  epsilon?: string;
  parameters: TrainingParameterIo[];
  parameterVector: TrainingParameterVectorIo;
  state: TrainingStateIo[];
  /** Train step: the step's mean loss (before the update), penalties included. */
  loss: string;
  /** Evaluation graph outputs, sums over the batch (penalty: the weight penalty once). */
  evaluation: { loss: string; mse: string; bce: string; kl?: string; penalty: string };
}

export interface TrainingGraphOptions {
  optimizer: OptimizerConfig;
  /** Fixes the batch dimension; default dynamic (`batch`). */
  batchSize?: number;
}

export interface TrainingGraphs {
  trainStep: Uint8Array;
  evaluate: Uint8Array;
  io: TrainingGraphIo;
}

const TRAINABLE: Record<LayerSpec["type"], true> = {
  dense: true,
  conv2d: true,
  conv2dTranspose: true,
  maxPool2d: true,
  upSampling2d: true,
  flatten: true,
  reshape: true,
  dropout: true,
};

/**
 * Whether every layer of `spec` has a training rule here, with one
 * Keras-style reason per layer that has none (for a backend's `supports`).
 */
export function trainingSupport(spec: AutoencoderSpec): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  const walk = (part: "encoder" | "decoder", layers: readonly LayerSpec[]) =>
    layers.forEach((layer, i) => {
      const type: string = (layer as { type?: unknown }).type as string;
      if (!Object.hasOwn(TRAINABLE, type)) {
        missing.push(
          `Layer ${part}.${i} (${String(type)}) has no ONNX training rule; trainable layers are ${Object.keys(TRAINABLE).join(", ")}. Received: type=${JSON.stringify(type)}`,
        );
      }
    });
  walk("encoder", spec.encoder);
  walk("decoder", spec.decoder);
  return { ok: missing.length === 0, missing };
}

function valueInfo(name: string, dims: (number | string)[]): ValueInfoInit {
  const dim = dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

function encode(name: string, e: Emitter, inputs: ValueInfoInit[], outputs: ValueInfoInit[], doc: string): Uint8Array {
  return encodeModel({
    ir_version: ONNX_COMPATIBILITY.irVersion,
    opset_import: [{ domain: "", version: ONNX_COMPATIBILITY.opset }],
    producer_name: "aelab",
    producer_version: pkg.version,
    domain: "",
    model_version: 1,
    doc_string: doc,
    graph: { name, node: e.g.nodes, initializer: e.g.initializers, input: inputs, output: outputs },
    metadata_props: [],
  });
}

interface Plan {
  spec: AutoencoderSpec;
  shapes: ShapeReport;
  params: ParameterInfo[];
  io: TrainingGraphIo;
  batch: number | string;
}

function plan(spec: AutoencoderSpec, optimizer: OptimizerConfig, batchSize?: number): Plan {
  const support = trainingSupport(spec);
  if (!support.ok) throw new AelabError(ErrorCode.ExportUnsupported, support.missing[0], { details: { missing: support.missing } });
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new AelabError(ErrorCode.InvalidConfig, `batchSize must be a positive integer. Received: batchSize=${String(batchSize)}`);
  }
  const shapes = inferShapes(spec);
  const params = parameterInfos(spec);
  const state = optimizerState(optimizer);
  let offset = 0;
  const parameters = params.map((p) => {
    const size = shapeSize(p.shape);
    offset += size;
    return { name: p.name, neutralShape: [...p.shape], shape: graphParameterShape(p.shape), offset: offset - size, size, gradient: `grad:${p.name}` };
  });
  const parameterVector = { input: "parameters", output: "parameters:next", size: offset };
  const io: TrainingGraphIo = {
    input: "input",
    ...(spec.noise ? { target: "target" } : {}),
    learningRate: "learning_rate",
    masks: shapes.layers.filter((l) => l.layer.type === "dropout").map((l) => ({ layer: l.id, name: `mask:${l.id}`, shape: [...l.inputShape] })),
    ...(spec.variational ? { epsilon: "epsilon" } : {}),
    parameters,
    parameterVector,
    state: [...state.slots.map((s) => ({ ...s, vector: true, shape: [offset] })), ...state.globals.map((s) => ({ ...s, vector: false, shape: [] }))].map(
      ({ key, vector, shape, init }) => ({ name: key, vector, shape, init, input: `state:${key}`, output: `state:${key}:next` }),
    ),
    loss: "loss",
    evaluation: { loss: "loss_sum", mse: "mse_sum", bce: "bce_sum", ...(spec.variational ? { kl: "kl_sum" } : {}), penalty: "penalty" },
  };
  return { spec, shapes, params, io, batch: batchSize ?? "batch" };
}

interface Objective {
  e: Emitter;
  forward: ForwardResult;
  /** Σ over the batch of the per-sample objective (reconstruction + activity + β·KL/D). */
  total: string;
  penalty?: ReturnType<typeof weightPenalty>;
  target: string;
  kl?: ReturnType<typeof klDivergence>;
  backward(): Map<string, string>;
}

/** Each parameter cut out of the parameter vector, in its graph shape: one Split (a copy) and free Reshapes. */
function splitParameters(e: Emitter, io: TrainingGraphIo): Map<string, string> {
  const { parameters, parameterVector } = io;
  e.g.reserve(parameterVector.input);
  const sizes = e.ints(parameters.map((q) => q.size));
  const pieces = e.opMulti("Split", [parameterVector.input, sizes], parameters.length, { axis: attr.int(0) }, "parameters_split");
  return new Map(parameters.map((q, i) => [q.name, q.shape.length === 1 ? pieces[i] : e.reshape(pieces[i], q.shape, q.name)]));
}

function objective(p: Plan, training: boolean): Objective {
  const { spec, shapes, io } = p;
  const e = new Emitter(io.input);
  const features = shapeSize(shapes.inputShape);
  const values = splitParameters(e, io);
  const param = (name: string) => values.get(name) as string;
  const masks = new Map(io.masks.map((m) => [m.layer, m.name]));
  const forward = emitForward({ e, shapes, input: io.input, param, training: training ? { masks, epsilon: io.epsilon } : undefined });
  const fedTarget = training && io.target ? io.target : io.input;
  const target = shapes.inputShape.length === 3 ? nhwcToNchw(e, fedTarget, shapes.inputShape, "target") : fedTarget;
  const recon = reconstructionLoss(e, spec, forward.output.name, target, features);
  const activity = activityPenalty(e, spec, forward.code.name);
  const kl = spec.variational && forward.logVar ? klDivergence(e, forward.code.name, forward.logVar) : undefined;
  const beta = spec.variational?.beta ?? 0;
  const parts = [recon.total, ...(activity ? [activity.total] : []), ...(kl ? [e.scale(kl.total, beta / features, "kl.weighted")] : [])];
  const total = parts.length === 1 ? parts[0] : e.op("Sum", parts, {}, "objective_sum");
  const kernels = p.params.filter((q) => q.role === "kernel").map((q) => ({ name: q.name, value: param(q.name) }));
  const penalty = weightPenalty(e, spec, kernels);
  return {
    e,
    forward,
    total,
    penalty,
    target,
    kl,
    backward() {
      const invN = e.batch().inverse;
      const klScale = kl && beta > 0 ? e.scale(invN, beta / features, "kl.grad_scale") : undefined;
      const code = [activity?.grad(invN), klScale && kl ? kl.gradMean(klScale) : undefined].filter((v): v is string => v !== undefined);
      const grads = forward.backward(recon.grad(invN), {
        code: code.length === 0 ? undefined : code.length === 1 ? code[0] : e.add(code[0], code[1], "code.objective_grad"),
        logVar: klScale && kl ? kl.gradLogVar(klScale) : undefined,
      });
      for (const [name, g] of penalty?.grads ?? []) grads.set(name, grads.has(name) ? e.add(grads.get(name) as string, g, `${name}.total_grad`) : g);
      return grads;
    },
  };
}

function dataInputs(p: Plan, training: boolean): ValueInfoInit[] {
  const { io, shapes, batch } = p;
  const inputs = [valueInfo(io.input, [batch, ...shapes.inputShape])];
  if (!training) return inputs;
  if (io.target) inputs.push(valueInfo(io.target, [batch, ...shapes.inputShape]));
  for (const m of io.masks) inputs.push(valueInfo(m.name, [batch, ...m.shape]));
  if (io.epsilon) inputs.push(valueInfo(io.epsilon, [batch, shapes.codeSize]));
  return inputs;
}

function meanLoss(o: Objective): string {
  const { e } = o;
  const mean = e.mul(o.total, e.batch().inverse, "mean_objective");
  return o.penalty ? e.add(mean, o.penalty.total, "loss_value") : mean;
}

function checkGradients(p: Plan, grads: Map<string, string>): void {
  const missing = p.params.filter((q) => !grads.has(q.name)).map((q) => q.name);
  if (missing.length > 0)
    throw new AelabError(ErrorCode.Internal, `The training graph has no gradient for ${missing.join(", ")}. Received: spec ${p.spec.name}`);
}

function trainStepModel(p: Plan, optimizer: OptimizerConfig): Uint8Array {
  const { io } = p;
  const o = objective(p, true);
  const { e } = o;
  const loss = meanLoss(o);
  const grads = o.backward();
  checkGradients(p, grads);
  const globals = Object.fromEntries(io.state.filter((s) => !s.vector).map((s) => [s.name, s.input]));
  const rule = optimizerRule(e, optimizer, { learningRate: io.learningRate, globals });
  const inputs = [...dataInputs(p, true), valueInfo(io.learningRate, [])];
  const graphInputs = inputs.map((i) => i.name);
  const outputs = [valueInfo(io.loss, [])];
  const bind = (value: string, name: string, shape: number[]) => {
    e.output(value, name, graphInputs);
    outputs.push(valueInfo(name, shape));
  };
  e.output(loss, io.loss, graphInputs);
  // One update of the whole parameter vector: the optimiser's ops run once, not once per parameter.
  const vector = io.parameterVector;
  const flat = io.parameters.map((q) =>
    q.shape.length === 1 ? (grads.get(q.name) as string) : e.reshape(grads.get(q.name) as string, [-1], `${q.name}.grad_flat`),
  );
  const gradient = flat.length === 1 ? flat[0] : e.op("Concat", flat, { axis: attr.int(0) }, "gradient_vector");
  const slots = io.state.filter((s) => s.vector);
  inputs.push(valueInfo(vector.input, [vector.size]), ...slots.map((s) => valueInfo(s.input, s.shape)));
  const next = rule.update(vector.input, gradient, Object.fromEntries(slots.map((s) => [s.name, s.input])), "update");
  bind(next.param, vector.output, [vector.size]);
  for (const s of slots) bind(next.slots[s.name], s.output, s.shape);
  const newGlobals = rule.updateGlobals();
  for (const s of io.state.filter((t) => !t.vector)) {
    inputs.push(valueInfo(s.input, []));
    bind(newGlobals[s.name], s.output, []);
  }
  return encode(`${p.spec.name}.train_step`, e, inputs, outputs, `aelab training step of "${p.spec.name}" (${optimizer.name})`);
}

function evaluateModel(p: Plan): Uint8Array {
  const { io } = p;
  const o = objective(p, false);
  const { e } = o;
  const features = shapeSize(p.shapes.inputShape);
  const sums = metricSums(e, o.forward.output.name, o.target, features);
  const inputs = [...dataInputs(p, false), valueInfo(io.parameterVector.input, [io.parameterVector.size])];
  const graphInputs = inputs.map((i) => i.name);
  const ev = io.evaluation;
  const values: [string, string][] = [
    [o.total, ev.loss],
    [sums.mse, ev.mse],
    [sums.bce, ev.bce],
    [o.penalty?.total ?? e.scalar(0), ev.penalty],
    ...(o.kl && ev.kl ? ([[o.kl.total, ev.kl]] as [string, string][]) : []),
  ];
  for (const [value, name] of values) e.output(value, name, graphInputs);
  return encode(
    `${p.spec.name}.evaluate`,
    e,
    inputs,
    values.map(([, name]) => valueInfo(name, [])),
    `aelab evaluation of "${p.spec.name}"`,
  );
}

/**
 * Builds the training step and the evaluation graph of `spec` for `optimizer`
 * (IR 8, opset 17, float32; see `ONNX_COMPATIBILITY.training`).
 *
 * @example
 * const { trainStep, evaluate, io } = buildTrainingGraphs(spec, { optimizer });
 * // feed io.input, io.learningRate, io.parameterVector.input (toParameterVector(io.parameters, weights)) and every io.state[j].input;
 * // read io.loss, io.parameterVector.output and io.state[j].output, and feed them to the next step;
 * // fromParameterVector(io.parameters, vector) gives the neutral weights back.
 */
export function buildTrainingGraphs(spec: AutoencoderSpec, options: TrainingGraphOptions): TrainingGraphs {
  const p = plan(spec, options.optimizer, options.batchSize);
  return { trainStep: trainStepModel(p, options.optimizer), evaluate: evaluateModel(p), io: p.io };
}

/**
 * The loss of one training step and dL/d(parameter) for every parameter
 * (outputs `io.loss` and `io.parameters[i].gradient`), with no update: the
 * train step's forward and backward passes, for tests and diagnostics.
 */
export function buildGradientGraph(spec: AutoencoderSpec, options: { batchSize?: number } = {}): { bytes: Uint8Array; io: TrainingGraphIo } {
  const p = plan(spec, { name: "sgd", learningRate: 1, momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, options.batchSize);
  const o = objective(p, true);
  const { e } = o;
  const loss = meanLoss(o);
  const grads = o.backward();
  checkGradients(p, grads);
  const inputs = [...dataInputs(p, true), valueInfo(p.io.parameterVector.input, [p.io.parameterVector.size])];
  const graphInputs = inputs.map((i) => i.name);
  e.output(loss, p.io.loss, graphInputs);
  for (const q of p.io.parameters) e.output(grads.get(q.name) as string, q.gradient, graphInputs);
  const outputs = [valueInfo(p.io.loss, []), ...p.io.parameters.map((q) => valueInfo(q.gradient, q.shape))];
  return { bytes: encode(`${spec.name}.gradients`, e, inputs, outputs, `aelab loss gradients of "${spec.name}"`), io: { ...p.io, state: [] } };
}
