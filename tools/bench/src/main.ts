/**
 * `npm run bench`: training and inference throughput of aelab presets on every
 * available backend and on PyTorch, in one run, on the same MNIST digits and
 * protocol; printed as Markdown with ratios to PyTorch and the fraction of
 * the machine's measured sgemm peak. Not a test: timings on a shared 2-core
 * machine are noisy, so compare figures from the same run.
 *
 *   npm run bench -- [--presets dense,seed-conv] [--backends tfjs-wasm,tfjs-cpu,onnxruntime,onnxruntime-web,pytorch] [--reps 5] [--json out.json]
 */
import { writeFileSync } from "node:fs";
import { BackendRegistry, ErrorCode, isAelabError, presetSpec, type Backend } from "@aelab/core";
import { registerOnnxruntimeBackend } from "@aelab/backend-onnxruntime";
import { registerOnnxruntimeWebBackend } from "@aelab/backend-onnxruntime/web";
import { registerTfjsBackends } from "@aelab/backend-tfjs";
import { loadBenchData, writeDataFile, type BenchData } from "./bench-data.ts";
import { QuietWaiter, sampleForeignLoad } from "./cpu-load.ts";
import { flopsPerSample } from "./flops.ts";
import { machineFacts } from "./machine.ts";
import { measureBackend, type PresetCase, type SystemResult } from "./measure-backend.ts";
import { DEFAULT_TRAIN_STEPS, USAGE, parseBenchOptions, type BenchOptions } from "./options.ts";
import { formatReport, type BenchReport } from "./report.ts";
import { runTorchPeer } from "./torch-peer.ts";

/** Threads for PyTorch, OpenBLAS and ONNX Runtime: the machine's two cores. */
const THREADS = 2;
const QUIET_BUDGET_SECONDS = 120;
const PEAK = { n: 4096, reps: 5 };

const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

function presetCase(name: string, options: BenchOptions): PresetCase {
  const defaults = DEFAULT_TRAIN_STEPS[name];
  return {
    name,
    spec: presetSpec(name, { inputShape: [28, 28, 1], hiddenSize: 32 }),
    trainSteps: options.trainSteps ?? defaults.steps,
    cpuTrainSteps: options.cpuTrainSteps ?? defaults.cpuSteps,
  };
}

interface Systems {
  backends: Backend[];
  skipped: BenchReport["skipped"];
}

async function resolveBackends(options: BenchOptions): Promise<Systems> {
  const registry = new BackendRegistry();
  registerTfjsBackends(registry);
  registerOnnxruntimeBackend(registry, { threads: THREADS });
  // onnxruntime-web's WebAssembly build, in Node: what a browser page runs, minus the browser.
  registerOnnxruntimeWebBackend(registry, { threads: THREADS });
  const systems: Systems = { backends: [], skipped: [] };
  for (const name of options.backends.filter((b) => b !== "pytorch")) {
    try {
      systems.backends.push(await registry.resolve(name));
    } catch (error) {
      systems.skipped.push({ system: name, reason: (error as Error).message });
      progress(`skip ${name}: ${(error as Error).message}`);
    }
  }
  return systems;
}

interface RunContext {
  options: BenchOptions;
  data: BenchData;
  dataPath: string;
  waiter: QuietWaiter;
}

/** Per preset, PyTorch first and then each backend, so compared figures are measured close in time. */
async function measureAll(ctx: RunContext, presets: PresetCase[]) {
  const { options, waiter } = ctx;
  const peerOptions = { python: options.python, dataPath: ctx.dataPath, reps: options.reps, waiter, threads: THREADS };
  progress(`sgemm peak (${options.python})`);
  const peer = await runTorchPeer({ ...peerOptions, presets: [], peak: PEAK });
  const withTorch = options.backends.includes("pytorch") && peer.torch !== null;
  if (!peer.torch && options.backends.includes("pytorch")) progress(`PyTorch not measured: ${peer.torchError ?? "unknown reason"}`);
  const systems = await resolveBackends(options);
  const results: SystemResult[] = [];
  for (const preset of presets) {
    if (withTorch) {
      progress(`pytorch ${preset.name}`);
      results.push(...(await runTorchPeer({ ...peerOptions, presets: [preset] })).results);
    }
    for (const backend of systems.backends) results.push(await measureBackend(backend, preset, { data: ctx.data, reps: options.reps, waiter, progress }));
  }
  return { peer, results, skipped: systems.skipped };
}

async function run(options: BenchOptions): Promise<void> {
  const presets = options.presets.map((name) => presetCase(name, options));
  progress("loading MNIST");
  const data = loadBenchData();
  const foreignLoadAtStart = await sampleForeignLoad(1);
  const waiter = new QuietWaiter(options.quietWait, QUIET_BUDGET_SECONDS);
  const file = writeDataFile(data.images);
  let measured: Awaited<ReturnType<typeof measureAll>>;
  try {
    measured = await measureAll({ options, data, dataPath: file.path, waiter }, presets);
  } finally {
    file.remove();
  }
  const report: BenchReport = {
    date: new Date().toISOString(),
    command: ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    machine: machineFacts(),
    foreignLoadAtStart,
    reps: options.reps,
    flops: Object.fromEntries(presets.map((p) => [p.name, flopsPerSample(p.spec)])),
    ...measured,
    seconds: (performance.now() - started) / 1000,
  };
  progress(`done; quiet waits took ${waiter.spentSeconds.toFixed(0)} s`);
  process.stdout.write(`\n${formatReport(report)}`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
}

let options: BenchOptions;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!isAelabError(error, ErrorCode.InvalidConfig)) throw error;
  process.stderr.write(`aelab-bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) process.stdout.write(USAGE);
else await run(options);
