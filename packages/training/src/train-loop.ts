/**
 * The training loop that drives any backend's `TrainerHandler`: seeded batch
 * order, per-epoch validation, early stopping, divergence detection. Backends
 * only implement single steps; everything users see per epoch happens here.
 */
import { Random, gatherRows, sliceBatch, type Float32Tensor, type NeutralWeights, type TrainerHandler, type TrainingConfig } from "@aelab/core";

export interface TrainProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valMse: number;
  valBce: number;
  /** VAE only: mean KL divergence of the code's posterior from the prior, in nats per sample. */
  valKl?: number;
  /** The learning rate this epoch trained with. */
  learningRate: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainLoopOptions {
  trainer: TrainerHandler;
  training: TrainingConfig;
  train: Float32Tensor;
  validation: Float32Tensor;
  onBatch?: (progress: TrainProgress) => void;
  /** Called after each epoch; returning `{ stop: reason }` ends training there with status "pruned" (a sweep's pruner). */
  onEpoch?: (report: EpochReport) => Promise<EpochDecision | void> | EpochDecision | void;
  /** Aborting ends the loop after the current step, with status "aborted". */
  signal?: AbortSignal;
}

/** What an epoch callback may ask for. */
export interface EpochDecision {
  stop: string;
}

export interface TrainLoopResult {
  status: "finished" | "failed" | "aborted" | "pruned";
  history: EpochReport[];
  best: EpochReport | undefined;
  /** Weights at the best validation loss (or the last weights if no epoch completed). */
  weights: NeutralWeights;
  stoppedEarly: boolean;
  failure?: { epoch: number; step: number; reason: string };
  /** Set when the epoch callback stopped training ("pruned"): the last epoch trained and why. */
  pruned?: { epoch: number; reason: string };
}

const EVAL_BATCH = 500;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function evaluateSplit(trainer: TrainerHandler, data: Float32Tensor): Promise<{ loss: number; mse: number; bce: number; kl?: number }> {
  const n = data.shape[0];
  let loss = 0;
  let mse = 0;
  let bce = 0;
  let kl: number | undefined;
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const sums = await trainer.evaluate(sliceBatch(data, start, Math.min(n, start + EVAL_BATCH)));
    loss += sums.loss;
    mse += sums.mse;
    bce += sums.bce;
    if (sums.kl !== undefined) kl = (kl ?? 0) + sums.kl;
  }
  return { loss: loss / n, mse: mse / n, bce: bce / n, ...(kl === undefined ? {} : { kl: kl / n }) };
}

/**
 * Keras's ReduceLROnPlateau on validation loss: after `patience` epochs without
 * an improvement of `minDelta`, multiply the rate by `factor` (not below
 * `minLearningRate`), then wait `cooldown` epochs before counting again.
 */
class PlateauSchedule {
  private best = Number.POSITIVE_INFINITY;
  private wait = 0;
  private cooldown = 0;

  constructor(
    private readonly config: NonNullable<TrainingConfig["reduceLrOnPlateau"]>,
    public learningRate: number,
  ) {}

  /** Returns the new learning rate when it changes. */
  update(valLoss: number): number | undefined {
    if (this.cooldown > 0) {
      this.cooldown--;
      this.wait = 0;
    }
    if (valLoss < this.best - this.config.minDelta) {
      this.best = valLoss;
      this.wait = 0;
      return undefined;
    }
    if (this.cooldown > 0 || ++this.wait < this.config.patience || this.learningRate <= this.config.minLearningRate) return undefined;
    this.learningRate = Math.max(this.learningRate * this.config.factor, this.config.minLearningRate);
    this.wait = 0;
    this.cooldown = this.config.cooldown;
    return this.learningRate;
  }
}

export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { trainer, training, train, validation } = options;
  const n = train.shape[0];
  const batchSize = Math.min(training.batchSize, n);
  const batches = Math.ceil(n / batchSize);
  const rng = new Random(training.seed ^ 0x5bd1e995);
  const history: EpochReport[] = [];
  let best: EpochReport | undefined;
  let bestWeights: NeutralWeights | undefined;
  let sinceBest = 0;
  let step = 0;
  const patience = training.earlyStopping?.patience;
  const minDelta = training.earlyStopping?.minDelta ?? 0;
  let learningRate = training.optimizer.learningRate;
  const plateau = training.reduceLrOnPlateau ? new PlateauSchedule(training.reduceLrOnPlateau, learningRate) : undefined;

  for (let epoch = 1; epoch <= training.epochs; epoch++) {
    const started = performance.now();
    const order = rng.permutation(n);
    let lossSum = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      if (options.signal?.aborted) {
        return {
          status: "aborted",
          history,
          best,
          weights: bestWeights ?? (await trainer.getWeights()),
          stoppedEarly: false,
          failure: { epoch, step, reason: `${String(options.signal.reason ?? "aborted")} at epoch ${epoch}, step ${step}` },
        };
      }
      const rows = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      const loss = await trainer.trainBatch(gatherRows(train, rows));
      step++;
      if (!Number.isFinite(loss)) {
        return {
          status: "failed",
          history,
          best,
          weights: bestWeights ?? (await trainer.getWeights()),
          stoppedEarly: false,
          failure: { epoch, step, reason: `training loss became ${loss} at epoch ${epoch}, step ${step}` },
        };
      }
      lossSum += loss * rows.length;
      seen += rows.length;
      options.onBatch?.({ epoch, epochs: training.epochs, batch: b + 1, batches, loss: lossSum / seen });
      // Backends compute synchronously; yield to the event loop so timers (progress
      // redraws, heartbeats) and signal handlers (SIGINT → abort) run during an epoch.
      await yieldToEventLoop();
    }
    const trainSeconds = (performance.now() - started) / 1000;
    const val = await evaluateSplit(trainer, validation);
    const report: EpochReport = {
      epoch,
      trainLoss: lossSum / seen,
      valLoss: val.loss,
      valMse: val.mse,
      valBce: val.bce,
      ...(val.kl === undefined ? {} : { valKl: val.kl }),
      learningRate,
      seconds: (performance.now() - started) / 1000,
      samplesPerSecond: seen / trainSeconds,
    };
    history.push(report);
    if (!Number.isFinite(report.valLoss)) {
      return {
        status: "failed",
        history,
        best,
        weights: bestWeights ?? (await trainer.getWeights()),
        stoppedEarly: false,
        failure: { epoch, step, reason: `validation loss became ${report.valLoss} at epoch ${epoch}, after step ${step}` },
      };
    }
    if (!best || report.valLoss < best.valLoss - minDelta) {
      best = report;
      bestWeights = await trainer.getWeights();
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    const decision = await options.onEpoch?.(report);
    if (decision) {
      return {
        status: "pruned",
        history,
        best,
        weights: bestWeights ?? (await trainer.getWeights()),
        stoppedEarly: false,
        pruned: { epoch, reason: decision.stop },
      };
    }
    const reduced = plateau?.update(report.valLoss);
    if (reduced !== undefined) {
      learningRate = reduced;
      trainer.setLearningRate(reduced);
    }
    if (patience !== undefined && sinceBest >= patience) {
      return { status: "finished", history, best, weights: bestWeights ?? (await trainer.getWeights()), stoppedEarly: true };
    }
  }
  return { status: "finished", history, best, weights: bestWeights ?? (await trainer.getWeights()), stoppedEarly: false };
}
