/**
 * For the serve tests: a model trained for real on MNIST digits (tfjs-wasm,
 * through @aelab/training's loop), its encoder, decoder and full model
 * exported with @aelab/onnx (each with a self-test computed by tfjs-wasm, as
 * `exportRun` stores), and the tfjs-wasm model to compare answers with.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTfjsBackend } from "@aelab/backend-tfjs";
import {
  initializeWeights,
  presetSpec,
  sliceBatch,
  trainingConfigSchema,
  type AutoencoderSpec,
  type Float32Tensor,
  type ModelHandler,
  type NeutralWeights,
} from "@aelab/core";
import { loadMnist, splitDataset } from "@aelab/data";
import { exportOnnx, type OnnxPart } from "@aelab/onnx";
import { trainLoop } from "@aelab/training";

export interface TrainedModel {
  spec: AutoencoderSpec;
  weights: NeutralWeights;
  /** The tfjs-wasm model of the trained weights. */
  reference: ModelHandler;
  files: Record<OnnxPart, string>;
  /** Validation digits (never trained on), in [0, 1]. */
  validation: Float32Tensor;
  finalValLoss: number;
}

export interface TrainOptions {
  preset: "dense" | "vae" | "conv";
  hiddenSize: number;
  dir: string;
  /** Digits to take from the 10,000 (evenly over the classes). Default 2,000. */
  limit?: number;
  epochs?: number;
  /** Extra metadata stored in every file, e.g. { "aelab.run_id": "…" }. */
  metadata?: Record<string, string>;
  /** Seed of the initial weights; another seed gives another weights hash. Default 1. */
  seed?: number;
}

export async function trainAndExport(options: TrainOptions): Promise<TrainedModel> {
  const { train, validation } = splitDataset(loadMnist({ limit: options.limit ?? 2000 }), { validationFraction: 0.1, seed: 7 });
  const spec = presetSpec(options.preset, { inputShape: [28, 28, 1], hiddenSize: options.hiddenSize, loss: "bce" });
  const backend = createTfjsBackend("wasm");
  await backend.init();
  if (!backend.createTrainer) throw new Error("tfjs-wasm trains");
  const training = trainingConfigSchema.parse({ epochs: options.epochs ?? 1, batchSize: 64, optimizer: { name: "adam", learningRate: 0.005 } });
  const trainer = await backend.createTrainer({ spec, weights: initializeWeights(spec, options.seed ?? 1), optimizer: training.optimizer, seed: 1 });
  const result = await trainLoop({ trainer, training, train, validation });
  await trainer.dispose();
  if (result.status !== "finished" || !result.best) throw new Error(`training ${options.preset} ended ${result.status}`);
  const reference = await backend.createModel({ spec, weights: result.weights });
  const x = sliceBatch(validation, 0, 2);
  const code = await reference.encode(x);
  const selfTests: Record<OnnxPart, { input: Float32Tensor; output: Float32Tensor }> = {
    encoder: { input: x, output: code },
    decoder: { input: code, output: await reference.decode(code) },
    full: { input: x, output: await reference.reconstruct(x) },
  };
  const files = {} as Record<OnnxPart, string>;
  for (const part of ["encoder", "decoder", "full"] as const) {
    const bytes = await exportOnnx({ spec, weights: result.weights, part, metadata: options.metadata, selfTest: selfTests[part] });
    files[part] = join(options.dir, `${spec.name}-s${options.seed ?? 1}-${part}.onnx`);
    writeFileSync(files[part], bytes);
  }
  return { spec, weights: result.weights, reference, files, validation, finalValLoss: result.best.valLoss };
}
