/**
 * The train step graph against TensorFlow.js's own optimisers: the same
 * gradients (tf.grads of the same loss) applied by tf.train.adam / sgd /
 * momentum / rmsprop for several steps, with a learning-rate change midway,
 * give the same parameters; and the evaluation graph's sums match the float64
 * reference. State goes out of step k and back into step k + 1.
 */
import * as tf from "@tensorflow/tfjs";
import { autoencoderSpecSchema, presetSpec, shapeSize, weightsMap, type AutoencoderSpec, type NeutralWeights, type OptimizerConfig } from "@aelab/core";
import type * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { EXTRA_SPECS, testWeights } from "../internal/ort-test-support.ts";
import { tfjsLossAndGradients, tfjsReady } from "../internal/tfjs-training-reference.ts";
import { randomTensor } from "../testing/layout.ts";
import { referenceForward } from "../testing/reference-forward.ts";
import { referenceTrainingLoss } from "../testing/reference-training.ts";
import { buildTrainingGraphs } from "./build-training-graphs.ts";
import { RMSPROP_DECAY } from "./optimizers.ts";
import { fromParameterVector } from "./parameter-layout.ts";
import { dataFeeds, parameterFeeds, session, stepBatch } from "./training-test-support.ts";
import * as ortNode from "onnxruntime-node";

const BASE: OptimizerConfig = { name: "adam", learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 };
const OPTIMIZERS: Record<string, OptimizerConfig> = {
  adam: BASE,
  "adam (β 0.8/0.95, ε 1e-3)": { ...BASE, beta1: 0.8, beta2: 0.95, epsilon: 1e-3 },
  sgd: { ...BASE, name: "sgd", learningRate: 0.1 },
  "sgd momentum 0.9": { ...BASE, name: "sgd", learningRate: 0.05, momentum: 0.9 },
  rmsprop: { ...BASE, name: "rmsprop", learningRate: 0.01 },
  "rmsprop momentum 0.5": { ...BASE, name: "rmsprop", learningRate: 0.005, momentum: 0.5 },
};

function tfOptimizer(c: OptimizerConfig): tf.Optimizer {
  if (c.name === "adam") return tf.train.adam(c.learningRate, c.beta1, c.beta2, c.epsilon);
  if (c.name === "rmsprop") return tf.train.rmsprop(c.learningRate, RMSPROP_DECAY, c.momentum, c.epsilon);
  return c.momentum > 0 ? tf.train.momentum(c.learningRate, c.momentum) : tf.train.sgd(c.learningRate);
}

function setLr(o: tf.Optimizer, c: OptimizerConfig, lr: number): void {
  if (c.name === "sgd") (o as tf.SGDOptimizer).setLearningRate(lr);
  else (o as unknown as { learningRate: number }).learningRate = lr;
}

const f32 = (v: number) => new ortNode.Tensor("float32", Float32Array.of(v), []);

/** Runs `steps` train steps, feeding each step's outputs to the next; the learning rate changes to `lr2` from step 2. */
async function onnxSteps(spec: AutoencoderSpec, weights: NeutralWeights, c: OptimizerConfig, steps: number, lr2: number) {
  const { trainStep, io } = buildTrainingGraphs(spec, { optimizer: c });
  const s = await session(trainStep);
  let params: Record<string, ort.Tensor> = parameterFeeds(io, weights);
  let state: Record<string, ort.Tensor> = Object.fromEntries(
    io.state.map((st) => [st.input, new ortNode.Tensor("float32", new Float32Array(shapeSize(st.shape)).fill(st.init), st.shape)]),
  );
  const losses: number[] = [];
  try {
    for (let k = 0; k < steps; k++) {
      const step = stepBatch(spec, randomTensor([4, ...spec.input.shape], 20 + k), 30 + k);
      const out = await s.run({ ...dataFeeds(io, step), ...params, ...state, [io.learningRate]: f32(k >= 2 ? lr2 : c.learningRate) });
      losses.push((out[io.loss].data as Float32Array)[0]);
      params = { [io.parameterVector.input]: out[io.parameterVector.output] };
      state = Object.fromEntries(io.state.map((st) => [st.input, out[st.output]]));
    }
  } finally {
    await s.release();
  }
  const tensors = fromParameterVector(io.parameters, params[io.parameterVector.input].data as Float32Array);
  return { weights: { format: "aelab-weights/1", tensors } as NeutralWeights, losses };
}

/** The same steps with tfjs's optimiser, fed tf.grads of the reference loss. */
function tfjsSteps(spec: AutoencoderSpec, weights: NeutralWeights, c: OptimizerConfig, steps: number, lr2: number) {
  const vars = weights.tensors.map((t) => tf.variable(tf.tensor(t.data, t.shape), true, `${t.name}_${Math.random()}`));
  const optimizer = tfOptimizer(c);
  const losses: number[] = [];
  try {
    for (let k = 0; k < steps; k++) {
      if (k === 2) setLr(optimizer, c, lr2);
      const current: NeutralWeights = {
        format: "aelab-weights/1",
        tensors: weights.tensors.map((t, i) => ({ ...t, data: vars[i].dataSync() as Float32Array })),
      };
      const step = stepBatch(spec, randomTensor([4, ...spec.input.shape], 20 + k), 30 + k);
      const input = step.draws.input ? { data: step.draws.input, shape: step.batch.shape } : step.batch;
      const { loss, grads } = tfjsLossAndGradients(spec, current, { input, target: step.batch, masks: step.draws.dropout, epsilon: step.draws.epsilon });
      losses.push(loss);
      tf.tidy(() =>
        optimizer.applyGradients(Object.fromEntries(weights.tensors.map((t, i) => [vars[i].name, tf.tensor(grads.get(t.name) as Float32Array, t.shape)]))),
      );
    }
    return {
      weights: { format: "aelab-weights/1", tensors: weights.tensors.map((t, i) => ({ ...t, data: Float32Array.from(vars[i].dataSync()) })) } as NeutralWeights,
      losses,
    };
  } finally {
    optimizer.dispose();
    vars.forEach((v) => v.dispose());
  }
}

beforeAll(() => tfjsReady());

describe.each([
  ["conv-6x4x2 (nonsquare)", { ...EXTRA_SPECS["nonsquare-6x4x2"], regularization: { l1: 1e-3, l2: 1e-3, activityL1: 1e-3 } }],
  ["vae with dropout", EXTRA_SPECS["vae-conv-8x8x1"]],
  ["denoising", presetSpec("denoising", { inputShape: [8, 8, 1], hiddenSize: 3 })],
] as [string, AutoencoderSpec][])("train step on %s", (_name, spec) => {
  const weights = testWeights(spec, 11);

  it.each(Object.entries(OPTIMIZERS))("%s: 5 steps give tfjs's parameters (1e-4 relative, 1e-5 absolute) and losses", async (_o, c) => {
    const lr2 = c.learningRate / 2;
    const ours = await onnxSteps(spec, weights, c, 5, lr2);
    const theirs = tfjsSteps(spec, weights, c, 5, lr2);
    for (let k = 0; k < 5; k++) expect(Math.abs(ours.losses[k] - theirs.losses[k]), `loss ${k}`).toBeLessThan(1e-5 * Math.max(1, theirs.losses[k]));
    const mine = weightsMap(ours.weights);
    let worst = 0;
    let where = "";
    for (const t of theirs.weights.tensors) {
      const got = (mine.get(t.name) as NeutralWeights["tensors"][number]).data;
      for (let i = 0; i < t.data.length; i++) {
        // Adam normalises each gradient, so float32 noise in a near-zero gradient moves a parameter by up to
        // ~1e-6; 1e-5 absolute is 0.1% of one Adam step at lr 0.01.
        const r = Math.abs(got[i] - t.data[i]) / Math.max(1e-4 * Math.abs(t.data[i]), 1e-5);
        if (!(r <= worst)) [worst, where] = [r, `${t.name}[${i}] ${got[i]} vs ${t.data[i]}`];
      }
      // The parameters moved.
      const start = (weightsMap(weights).get(t.name) as NeutralWeights["tensors"][number]).data;
      expect(
        t.data.some((v, i) => v !== start[i]),
        t.name,
      ).toBe(true);
    }
    expect(worst, where).toBeLessThanOrEqual(1);
  });
});

describe("evaluation graph", () => {
  const spec = autoencoderSpecSchema.parse({ ...EXTRA_SPECS["vae-conv-8x8x1"], regularization: { l1: 1e-3, l2: 2e-3, activityL1: 1e-3 } });
  const weights = testWeights(spec, 3);

  it("returns the sums of the deterministic loss, MSE, BCE and KL, and the penalty once", async () => {
    const { evaluate, io } = buildTrainingGraphs(spec, { optimizer: BASE });
    const x = randomTensor([7, 8, 8, 1], 5);
    const s = await session(evaluate);
    const out = await s.run({ [io.input]: new ortNode.Tensor("float32", x.data, x.shape), ...parameterFeeds(io, weights) });
    await s.release();
    const value = (name: string) => (out[name].data as Float32Array)[0];
    // Evaluation decodes the mean and applies no dropout: the reference loss without draws, times the batch.
    const noPenalty = { ...spec, regularization: { ...spec.regularization, l1: 0, l2: 0 } };
    expect(value(io.evaluation.loss)).toBeCloseTo(7 * referenceTrainingLoss({ spec: noPenalty, weights, input: x }), 4);
    const penalty = referenceTrainingLoss({ spec, weights, input: x }) - referenceTrainingLoss({ spec: noPenalty, weights, input: x });
    expect(value(io.evaluation.penalty)).toBeCloseTo(penalty, 6);
    const y = referenceForward({ spec, weights, part: "full", input: x });
    let mse = 0;
    let bce = 0;
    for (let i = 0; i < x.data.length; i++) {
      const p = Math.min(Math.max(y.data[i], 1e-7), 1 - 1e-7);
      mse += (y.data[i] - x.data[i]) ** 2 / 64;
      bce -= (x.data[i] * Math.log(p) + (1 - x.data[i]) * Math.log(1 - p)) / 64;
    }
    expect(value(io.evaluation.mse)).toBeCloseTo(mse, 4);
    expect(value(io.evaluation.bce)).toBeCloseTo(bce, 4);
    expect(value(io.evaluation.kl as string)).toBeGreaterThan(0);
  });
});
