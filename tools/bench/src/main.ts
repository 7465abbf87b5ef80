/**
 * `npm run bench`: training and inference throughput of the presets on every
 * available backend, on real MNIST digits, printed as a Markdown table. Not a
 * test: timings on a shared 2-core machine are noisy; compare ratios from one run.
 *
 *   npm run bench -- [--presets dense,conv,seed-conv] [--backends tfjs-wasm,tfjs-cpu,onnxruntime] [--steps 20]
 */
import { parseArgs } from "node:util";
import { BackendRegistry, initializeWeights, presetSpec, sliceBatch, type Backend, type Float32Tensor } from "@aelab/core";
import { registerOnnxruntimeBackend } from "@aelab/backend-onnxruntime";
import { registerTfjsBackends } from "@aelab/backend-tfjs";
import { loadMnist } from "@aelab/data";

const { values } = parseArgs({
  options: {
    presets: { type: "string", default: "dense,conv,seed-conv" },
    backends: { type: "string", default: "tfjs-wasm,tfjs-cpu,onnxruntime" },
    steps: { type: "string", default: "20" },
  },
});
const presets = values.presets.split(",");
const steps = Number(values.steps);
const BATCH = 128;

const registry = new BackendRegistry();
registerTfjsBackends(registry);
registerOnnxruntimeBackend(registry, { priority: 0 });
const images = loadMnist().images;
const batchAt = (i: number): Float32Tensor => {
  const start = (i * BATCH) % (images.shape[0] - BATCH);
  return sliceBatch(images, start, start + BATCH);
};

interface Row {
  backend: string;
  preset: string;
  train: string;
  encB1: string;
  encB256: string;
  fullB256: string;
}

async function timed(fn: () => Promise<unknown>, minSeconds: number): Promise<number> {
  await fn();
  let reps = 0;
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < minSeconds) {
    await fn();
    reps++;
  }
  return reps / ((performance.now() - t0) / 1000);
}

async function measure(backend: Backend, preset: string): Promise<Row> {
  const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 32 });
  let weights = initializeWeights(spec, 1);
  let train = "inference only";
  if (backend.createTrainer) {
    const slow = backend.name === "tfjs-cpu" && preset !== "dense";
    const n = slow ? Math.max(2, Math.floor(steps / 10)) : steps;
    const trainer = await backend.createTrainer({
      spec,
      weights,
      optimizer: { name: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 },
      seed: 1,
    });
    await trainer.trainBatch(batchAt(0));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await trainer.trainBatch(batchAt(i + 1));
    train = String(Math.round((n * BATCH) / ((performance.now() - t0) / 1000)));
    weights = await trainer.getWeights();
    await trainer.dispose();
  }
  const model = await backend.createModel({ spec, weights });
  const one = sliceBatch(images, 0, 1);
  const big = sliceBatch(images, 0, 256);
  const encB1 = await timed(() => model.encode(one), 0.6);
  const encB256 = 256 * (await timed(() => model.encode(big), 0.6));
  const fullB256 = 256 * (await timed(() => model.reconstruct(big), 0.6));
  await model.dispose();
  return { backend: backend.info().detail, preset, train, encB1: Math.round(encB1).toString(), encB256: Math.round(encB256).toString(), fullB256: Math.round(fullB256).toString() };
}

const rows: Row[] = [];
for (const name of values.backends.split(",")) {
  let backend: Backend;
  try {
    backend = await registry.resolve(name);
  } catch (error) {
    process.stderr.write(`skip ${name}: ${(error as Error).message}\n`);
    continue;
  }
  for (const preset of presets) {
    process.stderr.write(`measuring ${name} ${preset}…\n`);
    rows.push(await measure(backend, preset));
  }
}
process.stdout.write(`\nTraining: batch ${BATCH}, Adam; inference: encoder at batch 1 and 256, full model at batch 256. samples/s.\n\n`);
process.stdout.write("| backend | preset | train | encoder b1 | encoder b256 | full b256 |\n|---|---|---:|---:|---:|---:|\n");
for (const r of rows) process.stdout.write(`| ${r.backend} | ${r.preset} | ${r.train} | ${r.encB1} | ${r.encB256} | ${r.fullB256} |\n`);
