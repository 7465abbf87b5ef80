/**
 * Measures one aelab backend on one preset: training (fresh model, warm-up
 * steps, then reps of a fixed number of steps, the loss read back every step)
 * and inference (encoder and full model at batch 1 and 256).
 */
import { AelabError, ErrorCode, initializeWeights, type AutoencoderSpec, type Backend, type Float32Tensor, type ModelHandler } from "@aelab/core";
import type { BenchData } from "./bench-data.ts";
import { TRAIN_BATCH } from "./bench-data.ts";
import type { QuietWaiter } from "./cpu-load.ts";
import { INFER_REP_SECONDS, INFER_WARMUP_SECONDS, callsFor, runReps, summarise, type Measurement, type Workload } from "./reps.ts";

export const WARMUP_STEPS = 3;
export const INFERENCE_ONLY = "inference only";
export const ADAM = { name: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, momentum: 0 } as const;

export interface PresetCase {
  name: string;
  spec: AutoencoderSpec;
  /** Training steps per rep (every system but tfjs-cpu). */
  trainSteps: number;
  /** Training steps per rep on tfjs-cpu, which is far slower. */
  cpuTrainSteps: number;
}

/** One system (an aelab backend or the PyTorch peer) on one preset. */
export interface SystemResult {
  system: string;
  detail: string;
  preset: string;
  measurements: Measurement[];
  notes: string[];
}

export interface MeasureContext {
  data: BenchData;
  reps: number;
  waiter: QuietWaiter;
  progress(message: string): void;
}

export const INFERENCE: readonly { workload: Workload; batch: number; part: "encode" | "reconstruct" }[] = [
  { workload: "encodeB1", batch: 1, part: "encode" },
  { workload: "encodeB256", batch: 256, part: "encode" },
  { workload: "fullB1", batch: 1, part: "reconstruct" },
  { workload: "fullB256", batch: 256, part: "reconstruct" },
];

interface TrainingRun {
  label: string;
  createTrainer: NonNullable<Backend["createTrainer"]>;
  preset: PresetCase;
  steps: number;
}

async function measureTraining({ label, createTrainer, preset, steps }: TrainingRun, ctx: MeasureContext): Promise<Measurement> {
  const trainer = await createTrainer({ spec: preset.spec, weights: initializeWeights(preset.spec, 1), optimizer: ADAM, seed: 1 });
  const batches = ctx.data.trainBatches;
  let next = 0;
  const step = async () => {
    const loss = await trainer.trainBatch(batches[next++ % batches.length]);
    if (!Number.isFinite(loss)) throw new AelabError(ErrorCode.TrainingDiverged, `${label}: the training loss must stay finite. Received: loss=${loss}`);
  };
  try {
    for (let i = 0; i < WARMUP_STEPS; i++) await step();
    const reps = await runReps(ctx.reps, ctx.waiter, async () => {
      for (let i = 0; i < steps; i++) await step();
      return steps * TRAIN_BATCH;
    });
    return summarise("train", TRAIN_BATCH, reps, steps);
  } finally {
    await trainer.dispose();
  }
}

async function measureInference(model: ModelHandler, run: (typeof INFERENCE)[number], ctx: MeasureContext): Promise<Measurement> {
  const x: Float32Tensor = ctx.data.heldOut(run.batch);
  const call = () => model[run.part](x);
  await callsFor(INFER_WARMUP_SECONDS, run.batch, call);
  const reps = await runReps(ctx.reps, ctx.waiter, () => callsFor(INFER_REP_SECONDS, run.batch, call));
  return summarise(run.workload, run.batch, reps);
}

/** The backend's own description, plus its thread count when the description leaves it out. */
function describe(backend: Backend): string {
  const { detail, threads } = backend.info();
  return threads === undefined || /thread/.test(detail) ? detail : `${detail}, ${threads} threads`;
}

export async function measureBackend(backend: Backend, preset: PresetCase, ctx: MeasureContext): Promise<SystemResult> {
  const result: SystemResult = { system: backend.name, detail: describe(backend), preset: preset.name, measurements: [], notes: [] };
  const trainable = backend.supports(preset.spec, "train");
  if (!backend.createTrainer) {
    result.notes.push(INFERENCE_ONLY);
  } else if (!trainable.ok) {
    result.notes.push(`cannot train: ${trainable.missing.join("; ")}`);
  } else {
    const steps = backend.name === "tfjs-cpu" ? preset.cpuTrainSteps : preset.trainSteps;
    ctx.progress(`${backend.name} ${preset.name}: train, ${ctx.reps} reps × ${steps} steps`);
    const label = `${backend.name} ${preset.name}`;
    result.measurements.push(await measureTraining({ label, createTrainer: backend.createTrainer.bind(backend), preset, steps }, ctx));
  }
  const runnable = backend.supports(preset.spec, "infer");
  if (!runnable.ok) {
    result.notes.push(`cannot run: ${runnable.missing.join("; ")}`);
    return result;
  }
  const model = await backend.createModel({ spec: preset.spec, weights: initializeWeights(preset.spec, 1) });
  try {
    for (const run of INFERENCE) {
      ctx.progress(`${backend.name} ${preset.name}: ${run.workload}`);
      result.measurements.push(await measureInference(model, run, ctx));
    }
  } finally {
    await model.dispose();
  }
  return result;
}
