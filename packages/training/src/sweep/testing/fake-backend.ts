/**
 * A scripted backend for sweep tests: its validation loss is a known function
 * of the trial's parameters and the epoch, so tests can say which trial is best,
 * which one a pruner stops, and what TPE should learn, without real training.
 */
import { BackendRegistry, inferShapes, type Backend, type Float32Tensor, type ModelHandler, type NeutralWeights, type TrainerHandler } from "@aelab/core";

/** Validation loss of a model with this code size and learning rate after `epoch` epochs. */
export function scriptedLoss(hiddenSize: number, learningRate: number, epoch: number): number {
  return (1 / hiddenSize + Math.abs(Math.log10(learningRate) + 2.5) / 10) * (1 + 1 / epoch);
}

const weights: NeutralWeights = { format: "aelab-weights/1", tensors: [{ name: "w", shape: [1], data: Float32Array.of(1) }] };

function model(codeSize: number): ModelHandler {
  return {
    encode: async (x) => ({ data: new Float32Array(x.shape[0] * codeSize).map((_, i) => i % 7), shape: [x.shape[0], codeSize] }),
    decode: async (c) => ({ data: new Float32Array(c.shape[0] * 784), shape: [c.shape[0], 28, 28, 1] }),
    reconstruct: async (x) => x,
    score: async (x) => new Float32Array(x.shape[0]).fill(0.01),
    dispose: async () => undefined,
  };
}

export interface FakeBackendOptions {
  /** Called at every training step: tests block or kill here. */
  onStep?: () => Promise<void> | void;
}

export function fakeRegistry(options: FakeBackendOptions = {}): BackendRegistry {
  const backend: Backend = {
    name: "fake",
    init: async () => undefined,
    info: () => ({ name: "fake", detail: "scripted losses" }),
    supports: () => ({ ok: true, missing: [] }),
    createModel: async ({ spec }) => model(inferShapes(spec).codeSize),
    async createTrainer({ spec, optimizer }): Promise<TrainerHandler> {
      const hidden = inferShapes(spec).codeSize;
      let epoch = 0;
      return {
        async trainBatch() {
          await options.onStep?.();
          return scriptedLoss(hidden, optimizer.learningRate, epoch + 1);
        },
        async evaluate(batch: Float32Tensor) {
          epoch++;
          const v = scriptedLoss(hidden, optimizer.learningRate, epoch) * batch.shape[0];
          return { count: batch.shape[0], loss: v, mse: v, bce: v };
        },
        getWeights: async () => weights,
        setLearningRate: () => undefined,
        dispose: async () => undefined,
      };
    },
  };
  const registry = new BackendRegistry();
  registry.register(backend);
  return registry;
}
