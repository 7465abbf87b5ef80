/**
 * Deterministic synthetic runs for the scale database: a sweep-like spread of
 * architectures, hidden sizes and optimiser settings, an objective with real
 * structure (hidden size matters most, then the learning rate, batch size a
 * little, dropout not at all), learning curves that decay with noise and the
 * odd one-step spike, and pruned / failed runs cut short.
 */
export const CURVE_KEYS = ["train_loss", "val_loss", "val_mse", "val_bce", "learning_rate"] as const;
export const ARCHITECTURES = ["dense", "conv", "vae", "sparse", "denoising"] as const;
export const HIDDEN_SIZES = [2, 4, 8, 16, 32, 64] as const;
export const BATCH_SIZES = [32, 64, 128, 256] as const;

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticRun {
  name: string;
  architecture: string;
  hiddenSize: number;
  params: { architecture: string; hiddenSize: number; "training.optimizer.learningRate": number; "training.batchSize": number; "model.dropout": number };
  status: "finished" | "pruned" | "failed";
  /** Steps logged (fewer than asked for pruned and failed runs). */
  steps: number;
  /** The val_mse the curve settles at. */
  finalMse: number;
  pcaMse: number;
  seed: number;
}

const ARCH_FACTOR: Record<string, number> = { dense: 1.05, conv: 0.78, vae: 1.2, sparse: 1.0, denoising: 0.92 };

/** PCA's validation MSE at a code size (roughly MNIST's). */
export function pcaMse(hiddenSize: number): number {
  return 0.0655 * Math.exp(-0.09 * hiddenSize) + 0.012;
}

export function syntheticRun(index: number, steps: number, seed: number): SyntheticRun {
  const random = prng(seed * 1_000_003 + index);
  const architecture = ARCHITECTURES[index % ARCHITECTURES.length];
  const hiddenSize = HIDDEN_SIZES[Math.floor(index / ARCHITECTURES.length) % HIDDEN_SIZES.length];
  const learningRate = 10 ** (-4 + 2 * random());
  const batchSize = BATCH_SIZES[Math.floor(random() * BATCH_SIZES.length)];
  const dropout = Math.round(random() * 50) / 100;
  // Best near lr = 3e-3; a little worse with big batches; dropout has no effect.
  const lrPenalty = 1 + 0.35 * (Math.log10(learningRate) - Math.log10(3e-3)) ** 2;
  const batchPenalty = 1 + 0.03 * Math.log2(batchSize / 32);
  const finalMse = pcaMse(hiddenSize) * ARCH_FACTOR[architecture] * lrPenalty * batchPenalty * (1 + 0.04 * (random() - 0.5));
  const roll = random();
  const status = roll < 0.12 ? "pruned" : roll < 0.15 ? "failed" : "finished";
  const cut = status === "finished" ? steps : Math.max(2, Math.floor(steps * (0.1 + 0.3 * random())));
  return {
    name: `${architecture}-h${hiddenSize}-${String(index).padStart(4, "0")}`,
    architecture,
    hiddenSize,
    params: { architecture, hiddenSize, "training.optimizer.learningRate": learningRate, "training.batchSize": batchSize, "model.dropout": dropout },
    status,
    steps: cut,
    finalMse,
    pcaMse: pcaMse(hiddenSize),
    seed: index,
  };
}

/** The run's curves, one key at a time (steps 1…steps, epoch = step), as columns. */
export function syntheticCurve(run: SyntheticRun, key: (typeof CURVE_KEYS)[number], totalSteps: number): Float64Array {
  const random = prng(run.seed * 7919 + CURVE_KEYS.indexOf(key));
  const values = new Float64Array(run.steps);
  const tau = totalSteps / 8;
  const start = 0.11;
  const lr = run.params["training.optimizer.learningRate"];
  for (let i = 0; i < run.steps; i++) {
    const step = i + 1;
    const mse = run.finalMse + (start - run.finalMse) * Math.exp(-step / tau);
    const noise = 1 + 0.03 * (random() - 0.5);
    // About one spike in 2,000 steps: what min/max downsampling must keep.
    const spike = random() < 0.0005 ? 3 + 4 * random() : 1;
    switch (key) {
      case "train_loss":
        values[i] = mse * 3.1 * noise * spike;
        break;
      case "val_loss":
        values[i] = mse * 3.3 * noise * spike;
        break;
      case "val_mse":
        values[i] = mse * noise * spike;
        break;
      case "val_bce":
        values[i] = (0.07 + mse * 2) * noise;
        break;
      case "learning_rate":
        values[i] = lr * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
        break;
    }
  }
  // A failed run diverges: its last logged values are NaN.
  if (run.status === "failed" && key !== "learning_rate") values.fill(NaN, Math.max(0, run.steps - 3));
  return values;
}

/** The index of the lowest finite value, or -1. */
export function argmin(values: Float64Array): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && (best < 0 || values[i] < values[best])) best = i;
  return best;
}
