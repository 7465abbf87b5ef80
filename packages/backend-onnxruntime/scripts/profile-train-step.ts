/**
 * Why this file exists: the generated training step's cost per ONNX op, to find
 * where the ORT trainer spends its time (not a test, not the benchmark).
 * Runs a preset's train-step graph (Adam, batch 128, random pixels) under
 * onnxruntime-node and prints ms and CPU ms per step; with `profile`, ONNX
 * Runtime's own per-op profile summed by op type and by node.
 *
 *   cd packages/backend-onnxruntime
 *   T=1 npx tsx scripts/profile-train-step.ts seed-conv 20 [profile]
 *
 * T = intra-op threads (default 2); INTER and EXEC=parallel try inter-op parallelism.
 * On a shared machine compare CPU ms per step at T=1: wall time includes waiting
 * for a core, and at T>1 the thread pool's spinning counts as CPU.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { initializeWeights, presetSpec, shapeSize } from "@aelab/core";
import { buildTrainingGraphs, toParameterVector } from "@aelab/onnx";

const [preset = "seed-conv", stepsArg = "20", mode] = process.argv.slice(2);
const steps = Number(stepsArg);
const profile = mode === "profile";
const prefix = join(tmpdir(), `aelab-ort-profile-${process.pid}`);
const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 32 });
const adam = { name: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 } as const;
const { trainStep, io } = buildTrainingGraphs(spec, { optimizer: adam });
const session = await ort.InferenceSession.create(trainStep, {
  executionProviders: ["cpu"],
  graphOptimizationLevel: "all",
  intraOpNumThreads: Number(process.env.T ?? 2),
  interOpNumThreads: Number(process.env.INTER ?? 1),
  executionMode: process.env.EXEC === "parallel" ? "parallel" : "sequential",
  ...(profile ? { enableProfiling: true, profileFilePrefix: prefix } : {}),
});
const vector = io.parameterVector;
const values: Record<string, ort.Tensor> = {
  [vector.input]: new ort.Tensor("float32", toParameterVector(io.parameters, initializeWeights(spec, 1)), [vector.size]),
};
for (const s of io.state) values[s.input] = new ort.Tensor("float32", new Float32Array(shapeSize(s.shape)).fill(s.init), s.shape);
const x = new ort.Tensor(
  "float32",
  new Float32Array(128 * 784).map(() => Math.random()),
  [128, 28, 28, 1],
);
const learningRate = new ort.Tensor("float32", Float32Array.of(1e-3), []);
const outputs = [io.loss, vector.output, ...io.state.map((s) => s.output)];

async function step(): Promise<void> {
  const out = await session.run({ ...values, [io.learningRate]: learningRate, [io.input]: x, ...(io.target ? { [io.target]: x } : {}) }, outputs);
  values[vector.input] = out[vector.output] as ort.Tensor;
  for (const s of io.state) values[s.input] = out[s.output] as ort.Tensor;
}

const WARMUP = 3;
for (let i = 0; i < WARMUP; i++) await step();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) await step();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  `${preset}: ${(ms / steps).toFixed(2)} ms/step, ${((steps * 128) / (ms / 1000)).toFixed(0)} samples/s, ` +
    `CPU ${(cpuMs / steps).toFixed(2)} ms/step (${(cpuMs / ms).toFixed(2)} cores)`,
);

if (profile) {
  session.endProfiling();
  const dir = tmpdir();
  const file = readdirSync(dir)
    .filter((f) => f.startsWith(`aelab-ort-profile-${process.pid}`))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const events = JSON.parse(readFileSync(file, "utf8")) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const kernels = events.filter((e) => e.cat === "Node" && e.name.endsWith("_kernel_time"));
  const total = kernels.reduce((s, e) => s + e.dur, 0);
  const sum = (key: (e: (typeof kernels)[number]) => string) => {
    const m = new Map<string, number>();
    for (const e of kernels) m.set(key(e), (m.get(key(e)) ?? 0) + e.dur);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  const per = (us: number) => (us / 1000 / (steps + WARMUP)).toFixed(2);
  console.log(`kernel time ${per(total)} ms/step (${file})`);
  for (const [op, us] of sum((e) => e.args?.op_name ?? "?").slice(0, 15))
    console.log(`  ${op.padEnd(24)} ${per(us).padStart(8)} ms  ${((100 * us) / total).toFixed(1)}%`);
  for (const [node, us] of sum((e) => e.name.replace(/_kernel_time$/, "")).slice(0, 20)) console.log(`    ${node.padEnd(44)} ${per(us).padStart(8)} ms`);
}
await session.release();
