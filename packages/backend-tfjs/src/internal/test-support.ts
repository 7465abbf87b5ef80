/** Shared fixtures for this package's tests (not exported). */
import * as tf from "@tensorflow/tfjs-core";
import { shapeSize, type Backend, type Float32Tensor, type OptimizerConfig, type TrainerHandler, type TrainerOptions } from "@aelab/core";
import { ensureGradients } from "./gradients.ts";
import { defaultImporter, loadRuntime, type TfjsKind, type TfjsRuntime } from "./runtime.ts";

const runtimes = new Map<TfjsKind, Promise<TfjsRuntime>>();

/** One runtime per kind per test file (tfjs state is per process). */
export function runtimeFor(kind: TfjsKind): Promise<TfjsRuntime> {
  let r = runtimes.get(kind);
  if (!r) {
    r = loadRuntime(kind).then(async (rt) => {
      await ensureGradients(defaultImporter);
      return rt;
    });
    runtimes.set(kind, r);
  }
  return r;
}

export const ADAM: OptimizerConfig = { name: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 };

/** Largest |a−b| / max(1, |b|): absolute for small values, relative for large ones. */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}

/** Deterministic pseudo-random values in [-1, 1). */
export function patterned(shape: number[], seed: number): Float32Tensor {
  const data = new Float32Array(shapeSize(shape));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = ((x >>> 0) / 4294967296) * 2 - 1;
  }
  return { data, shape };
}

/** Runs `f` with `runtime`'s backend active and returns the values of its result. */
export function valuesOn(runtime: TfjsRuntime, f: () => tf.Tensor | tf.Tensor[]): Float32Array[] {
  runtime.activate();
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

/** `backend.createTrainer(options)`, failing the test if the backend cannot train. */
export function newTrainer(backend: Backend, options: TrainerOptions): Promise<TrainerHandler> {
  if (!backend.createTrainer) throw new Error(`${backend.name} has no trainer`);
  return backend.createTrainer(options);
}
