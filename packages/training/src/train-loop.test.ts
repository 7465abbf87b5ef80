/**
 * The loop's schedule logic, driven by a scripted trainer whose validation
 * losses are given: which epochs change the learning rate, when training stops.
 * (Real backends train in the CLI integration and quality tests.)
 */
import { parseTrainingConfig, type EvaluationSums, type Float32Tensor, type TrainerHandler, type TrainingConfigInput } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { trainLoop } from "./train-loop.ts";

class ScriptedTrainer implements TrainerHandler {
  rates: number[] = [];
  private epoch = 0;
  constructor(private readonly valLosses: number[]) {}
  async trainBatch(): Promise<number> {
    return 1;
  }
  async evaluate(batch: Float32Tensor): Promise<EvaluationSums> {
    const n = batch.shape[0];
    const v = this.valLosses[this.epoch++];
    return { count: n, loss: v * n, mse: v * n, bce: v * n };
  }
  async getWeights() {
    return { format: "aelab-weights/1" as const, tensors: [{ name: "w", shape: [1], data: Float32Array.of(this.epoch) }] };
  }
  setLearningRate(rate: number): void {
    this.rates.push(rate);
  }
  async dispose(): Promise<void> {
    this.rates = [];
  }
}

const data: Float32Tensor = { data: new Float32Array(8), shape: [8, 1] };

async function run(valLosses: number[], training: TrainingConfigInput) {
  const trainer = new ScriptedTrainer(valLosses);
  const result = await trainLoop({
    trainer,
    training: parseTrainingConfig({ epochs: valLosses.length, batchSize: 4, ...training }),
    train: data,
    validation: data,
  });
  return { trainer, result };
}

describe("reduceLrOnPlateau", () => {
  it("follows Keras: reduce after `patience` flat epochs, then skip `cooldown` epochs", async () => {
    const { trainer, result } = await run([1, 0.9, 0.95, 0.95, 0.95, 0.95, 0.5, 0.6], {
      optimizer: { learningRate: 1 },
      reduceLrOnPlateau: { patience: 2, factor: 0.5, cooldown: 1, minDelta: 0 },
    });
    expect(trainer.rates).toEqual([0.5, 0.25]);
    expect(result.history.map((r) => r.learningRate)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it("never goes below minLearningRate and stops reducing there", async () => {
    const { trainer } = await run([1, 1, 1, 1, 1, 1, 1], {
      optimizer: { learningRate: 1 },
      reduceLrOnPlateau: { patience: 1, factor: 0.1, minLearningRate: 0.05 },
    });
    expect(trainer.rates).toEqual([0.1, 0.05]);
  });

  it("counts an improvement smaller than minDelta as no improvement", async () => {
    const { trainer } = await run([1, 0.99995, 0.99992, 0.99991], { optimizer: { learningRate: 1 }, reduceLrOnPlateau: { patience: 3, factor: 0.5 } });
    expect(trainer.rates).toEqual([0.5]);
  });
});

describe("early stopping", () => {
  it("stops after `patience` epochs without improvement and keeps the best epoch's weights", async () => {
    const { result } = await run([1, 0.5, 0.6, 0.7, 0.4], { earlyStopping: { patience: 2 } });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(4);
    expect(result.best?.epoch).toBe(2);
    expect(result.weights.tensors[0].data[0]).toBe(2);
  });
});

describe("epoch callback", () => {
  it("stops training when it returns a reason (a pruner), status pruned with the epoch, best weights kept", async () => {
    const trainer = new ScriptedTrainer([1, 0.5, 0.6, 0.4, 0.3]);
    const seen: number[] = [];
    const result = await trainLoop({
      trainer,
      training: parseTrainingConfig({ epochs: 5, batchSize: 4 }),
      train: data,
      validation: data,
      onEpoch: (r) => {
        seen.push(r.epoch);
        return r.epoch === 3 ? { stop: "worse than the median" } : undefined;
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(result.status).toBe("pruned");
    expect(result.pruned).toEqual({ epoch: 3, reason: "worse than the median" });
    expect(result.history).toHaveLength(3);
    expect(result.best?.epoch).toBe(2);
    expect(result.weights.tensors[0].data[0]).toBe(2);
  });
});
