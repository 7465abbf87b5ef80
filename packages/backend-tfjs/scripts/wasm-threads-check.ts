/**
 * Starts tfjs-wasm with its thread pool under Node, runs a forward pass and
 * three training steps, prints one JSON line, and then simply returns: the
 * process must exit by itself (a test runs this script and checks that it
 * does). Thread count from AELAB_WASM_THREADS, as everywhere.
 *
 *   AELAB_WASM_THREADS=2 npx tsx scripts/wasm-threads-check.ts
 */
import { initializeWeights, presetSpec, type Float32Tensor } from "@aelab/core";
import { createTfjsBackend } from "../src/index.ts";

const spec = presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
const x: Float32Tensor = { data: Float32Array.from({ length: 16 * 784 }, (_, i) => (i % 97) / 97), shape: [16, 28, 28, 1] };
const optimizer = { name: "adam" as const, learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 };

const backend = createTfjsBackend("wasm");
await backend.init();
const model = await backend.createModel({ spec, weights: initializeWeights(spec, 1) });
const out = await model.reconstruct(x);
await model.dispose();
if (!backend.createTrainer) throw new Error("tfjs-wasm cannot train");
const trainer = await backend.createTrainer({ spec, weights: initializeWeights(spec, 1), optimizer, seed: 1 });
const losses: number[] = [];
for (let i = 0; i < 3; i++) losses.push(await trainer.trainBatch(x));
await trainer.dispose();
const { detail, threads } = backend.info();
process.stdout.write(`${JSON.stringify({ detail, threads, firstOutput: out.data[0], losses })}\n`);
