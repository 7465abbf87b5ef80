/**
 * Test support only (imported by *.test.ts): feeds for the training graphs
 * from neutral weights and core's seeded draws, run under onnxruntime-node.
 */
import * as ort from "onnxruntime-node";
import { Random, drawTrainingRandomness, inferShapes, type AutoencoderSpec, type Float32Tensor, type NeutralWeights, type TrainingDraws } from "@aelab/core";
import type { TrainingGraphIo } from "./build-training-graphs.ts";
import { fromGraphLayout, toParameterVector } from "./parameter-layout.ts";

export interface StepBatch {
  /** The clean batch (the target). */
  batch: Float32Tensor;
  draws: TrainingDraws;
}

/** A batch and the seeded draws for it, as a trainer would make them. */
export function stepBatch(spec: AutoencoderSpec, batch: Float32Tensor, seed: number): StepBatch {
  return { batch, draws: drawTrainingRandomness(spec, inferShapes(spec), batch.data, batch.shape[0], new Random(seed)) };
}

const t = (data: Float32Array, dims: readonly number[]) => new ort.Tensor("float32", data, [...dims]);

/** Data feeds (input, target, masks, ε) of one step. */
export function dataFeeds(io: TrainingGraphIo, { batch, draws }: StepBatch): Record<string, ort.Tensor> {
  const n = batch.shape[0];
  const feeds: Record<string, ort.Tensor> = { [io.input]: t(draws.input ?? batch.data, batch.shape) };
  if (io.target) feeds[io.target] = t(batch.data, batch.shape);
  for (const m of io.masks) feeds[m.name] = t(draws.dropout.get(m.layer) as Float32Array, [n, ...m.shape]);
  if (io.epsilon) feeds[io.epsilon] = t(draws.epsilon as Float32Array, [n, (draws.epsilon as Float32Array).length / n]);
  return feeds;
}

/** The parameter vector feed (graph layout). */
export function parameterFeeds(io: TrainingGraphIo, weights: NeutralWeights): Record<string, ort.Tensor> {
  const { input, size } = io.parameterVector;
  return { [input]: t(toParameterVector(io.parameters, weights), [size]) };
}

export async function session(bytes: Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1 });
}

/** Runs the gradient graph: the loss and each parameter's gradient in the neutral layout. */
export async function onnxGradients(
  bytes: Uint8Array,
  io: TrainingGraphIo,
  weights: NeutralWeights,
  step: StepBatch,
): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  const s = await session(bytes);
  try {
    const out = await s.run({ ...dataFeeds(io, step), ...parameterFeeds(io, weights) });
    const grads = new Map(io.parameters.map((p) => [p.name, fromGraphLayout(p.name, p.neutralShape, out[p.gradient].data as Float32Array).data]));
    return { loss: (out[io.loss].data as Float32Array)[0], grads };
  } finally {
    await s.release();
  }
}
