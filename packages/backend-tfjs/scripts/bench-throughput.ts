/**
 * Training and inference throughput of the tfjs backends on real MNIST digits
 * (a measurement script, not a test). Protocol: batch 128, adam, 2 warm-up
 * steps, then N timed steps, each reading its loss back; inference is
 * `reconstruct` at batch 256. Prints one JSON line per (backend, preset).
 *
 *   npx tsx scripts/bench-throughput.ts [wasm|cpu] [dense,conv,seed-conv] [steps]
 */
import { initializeWeights, presetSpec, sliceBatch } from "@aelab/core";
// eslint-disable-next-line @nx/enforce-module-boundaries -- a dev script on real MNIST
import { loadMnist } from "@aelab/data";
import { createTfjsBackend } from "../src/index.ts";

const kind = (process.argv[2] ?? "wasm") as "wasm" | "cpu";
const presets = (process.argv[3] ?? "dense,conv,seed-conv").split(",");
const steps = Number(process.argv[4] ?? 20);
const batchSize = 128;

const images = loadMnist().images;
const batchAt = (i: number) => {
  const start = (i * batchSize) % (images.shape[0] - batchSize);
  return sliceBatch(images, start, start + batchSize);
};

const backend = createTfjsBackend(kind);
await backend.init();
for (const preset of presets) {
  const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 32 });
  const optimizer = { name: "adam" as const, learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 };
  if (!backend.createTrainer) throw new Error(`${backend.name} cannot train`);
  const trainer = await backend.createTrainer({ spec, weights: initializeWeights(spec, 1), optimizer, seed: 1 });
  for (let i = 0; i < 2; i++) await trainer.trainBatch(batchAt(i));
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = await trainer.trainBatch(batchAt(i + 2));
  const trainSeconds = (performance.now() - t0) / 1000;
  const weights = await trainer.getWeights();
  await trainer.dispose();

  const model = await backend.createModel({ spec, weights });
  const big = sliceBatch(images, 0, 256);
  await model.reconstruct(big);
  const reps = kind === "cpu" && preset !== "dense" ? 1 : 5;
  const t1 = performance.now();
  for (let i = 0; i < reps; i++) await model.reconstruct(big);
  const inferSeconds = (performance.now() - t1) / 1000;
  await model.dispose();

  process.stdout.write(
    `${JSON.stringify({
      backend: backend.info().detail,
      preset,
      batch: batchSize,
      steps,
      trainSamplesPerSecond: Math.round((steps * batchSize) / trainSeconds),
      msPerStep: Math.round((trainSeconds * 1000) / steps),
      lastLoss: Number(loss.toFixed(4)),
      reconstructSamplesPerSecondAtBatch256: Math.round((reps * 256) / inferSeconds),
    })}\n`,
  );
}
