/**
 * The ONNX Runtime trainer: one session runs the generated training step
 * (`buildTrainingGraphs` from @aelab/onnx), another the evaluation graph.
 * Parameters (one vector, see `toParameterVector`) and optimiser state live in
 * runtime tensors between steps: the
 * outputs of step k are the inputs of step k + 1, and nothing is copied on our
 * side (onnxruntime-node reads input tensors in place). Training-time draws
 * (noise, dropout masks, the VAE's ε) come from core's
 * `drawTrainingRandomness`, as on every backend, so a step here is the step
 * the tfjs trainer takes.
 */
import {
  AelabError,
  ErrorCode,
  Random,
  drawTrainingRandomness,
  inferShapes,
  shapeSize,
  validateWeights,
  type EvaluationSums,
  type Float32Tensor,
  type NeutralWeights,
  type TrainerHandler,
  type TrainerOptions,
} from "@aelab/core";
import { buildTrainingGraphs, fromParameterVector, toParameterVector } from "@aelab/onnx";
import { checkBatch } from "./check-input.ts";
import type { OrtRuntime, RuntimeSession, RuntimeTensor, SessionConfig } from "./runtime.ts";

function checkLearningRate(learningRate: number): number {
  if (!(typeof learningRate === "number" && Number.isFinite(learningRate) && learningRate > 0)) {
    throw new AelabError(ErrorCode.InvalidConfig, `learningRate must be a positive finite number. Received: learningRate=${String(learningRate)}`);
  }
  return learningRate;
}

async function openSessions(runtime: OrtRuntime, config: SessionConfig, models: Uint8Array[], name: string): Promise<RuntimeSession[]> {
  const sessions: RuntimeSession[] = [];
  try {
    for (const bytes of models) sessions.push(await runtime.createSession(bytes, config));
    return sessions;
  } catch (cause) {
    await Promise.allSettled(sessions.map((s) => s.release()));
    if (cause instanceof AelabError) throw cause;
    throw new AelabError(ErrorCode.BackendUnavailable, `${runtime.packageName} could not load the training graphs of "${name}". Received: ${String(cause)}`, {
      cause,
    });
  }
}

/**
 * Creates the trainer. The graphs are built for `options.optimizer`; the
 * learning rate is a graph input, so `setLearningRate` takes effect at the next
 * step and keeps the optimiser's moments.
 */
export async function createTrainerHandler(runtime: OrtRuntime, config: SessionConfig, options: TrainerOptions): Promise<TrainerHandler> {
  const { spec, weights, optimizer } = options;
  validateWeights(spec, weights);
  const shapes = inferShapes(spec);
  const { trainStep, evaluate, io } = buildTrainingGraphs(spec, { optimizer });
  const [trainSession, evalSession] = await openSessions(runtime, config, [trainStep, evaluate], spec.name);
  const rng = new Random(options.seed);
  const vector = io.parameterVector;
  // Graph input name → current value; the parameters as one vector in the graphs' layout.
  const values = new Map<string, RuntimeTensor>();
  values.set(vector.input, runtime.tensor(toParameterVector(io.parameters, weights), [vector.size]));
  for (const s of io.state) values.set(s.input, runtime.tensor(new Float32Array(shapeSize(s.shape)).fill(s.init), s.shape));
  const learningRate = Float32Array.of(checkLearningRate(optimizer.learningRate));
  const learningRateTensor = runtime.tensor(learningRate, []);
  const stepOutputs = [io.loss, vector.output, ...io.state.map((s) => s.output)];
  const ev = io.evaluation;
  const evalOutputs = [ev.loss, ev.mse, ev.bce, ev.penalty, ...(ev.kl ? [ev.kl] : [])];
  let disposed = false;
  let running = false;

  const live = (what: string) => {
    if (disposed) {
      throw new AelabError(
        ErrorCode.InvalidInput,
        `This ${runtime.packageName} trainer for "${spec.name}" has been disposed. Received: ${what}() after dispose()`,
      );
    }
  };
  const scalar = (t: RuntimeTensor) => (t.data as Float32Array)[0];
  const parameterFeeds = () => ({ [vector.input]: values.get(vector.input) as RuntimeTensor });
  // One run at a time: the step's outputs replace the values the next run reads.
  const exclusive = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    live(what);
    if (running)
      throw new AelabError(ErrorCode.InvalidInput, `${what}() was called while another step was running; await each call. Received: overlapping calls`);
    running = true;
    try {
      return await run();
    } finally {
      running = false;
    }
  };

  return {
    trainBatch: (batch: Float32Tensor) =>
      exclusive("trainBatch", async () => {
        const x = checkBatch(batch, shapes.inputShape, "trainBatch input", { finite: false });
        const n = x.shape[0];
        const draws = drawTrainingRandomness(spec, shapes, x.data, n, rng);
        const feeds: Record<string, RuntimeTensor> = { ...Object.fromEntries(values), [io.learningRate]: learningRateTensor };
        feeds[io.input] = runtime.tensor(draws.input ?? x.data, x.shape);
        if (io.target) feeds[io.target] = runtime.tensor(x.data, x.shape);
        for (const m of io.masks) feeds[m.name] = runtime.tensor(draws.dropout.get(m.layer) as Float32Array, [n, ...m.shape]);
        if (io.epsilon) feeds[io.epsilon] = runtime.tensor(draws.epsilon as Float32Array, [n, shapes.codeSize]);
        const out = await trainSession.runTensors(feeds, stepOutputs);
        values.set(vector.input, out[vector.output]);
        for (const s of io.state) values.set(s.input, out[s.output]);
        // NaN and ±Infinity are returned as they are; the training loop decides what to do.
        return scalar(out[io.loss]);
      }),

    evaluate: (batch: Float32Tensor): Promise<EvaluationSums> =>
      exclusive("evaluate", async () => {
        const x = checkBatch(batch, shapes.inputShape, "evaluate input", { finite: false });
        const out = await evalSession.runTensors({ ...parameterFeeds(), [io.input]: runtime.tensor(x.data, x.shape) }, evalOutputs);
        const count = x.shape[0];
        return {
          count,
          loss: scalar(out[ev.loss]) + count * scalar(out[ev.penalty]),
          mse: scalar(out[ev.mse]),
          bce: scalar(out[ev.bce]),
          ...(ev.kl ? { kl: scalar(out[ev.kl]) } : {}),
        };
      }),

    async getWeights(): Promise<NeutralWeights> {
      live("getWeights");
      const tensors = fromParameterVector(io.parameters, (values.get(vector.input) as RuntimeTensor).data as Float32Array);
      return { format: "aelab-weights/1", tensors };
    },

    setLearningRate(lr: number): void {
      live("setLearningRate");
      learningRate[0] = checkLearningRate(lr);
    },

    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await Promise.all([trainSession.release(), evalSession.release()]);
      values.clear();
    },
  };
}
