/**
 * Seeds a tracking store for the dashboard's end-to-end test with a real, short
 * training sweep on real MNIST digits: dense and conv × hidden sizes 2/16/32 on
 * TensorFlow.js (wasm), plus one more real run under a hostile name. As
 * `aelab sweep` does, the best run's encoder, decoder and full model are
 * exported to ONNX (through the parity gate), for the playground.
 */
import { BackendRegistry } from "@aelab/core";
import { registerOnnxruntimeBackend } from "@aelab/backend-onnxruntime";
import { registerTfjsBackends } from "@aelab/backend-tfjs";
import { createTracker } from "@aelab/tracking";
import { Baselines, executeRun, exportRun, parseSweepConfig, prepareData, runSweep } from "@aelab/training";
import path from "node:path";

export const FIXTURE_EXPERIMENT = "e2e-fixture";
export const XSS_RUN_NAME = "<img src=x onerror=alert(1)>";

export interface Fixture {
  /** The run whose encoder, decoder and full model were exported. */
  exportedRunId: string;
}

export async function seedFixture(url: string, artifactsDir: string): Promise<Fixture> {
  const registry = new BackendRegistry();
  registerTfjsBackends(registry, { kinds: ["wasm"] });
  registerOnnxruntimeBackend(registry, { priority: -1 });
  const sweep = parseSweepConfig({
    name: "arch-x-hidden",
    experiment: FIXTURE_EXPERIMENT,
    data: { source: "mnist", limit: 1000, validationFraction: 0.1, seed: 7 },
    training: { epochs: 2, batchSize: 32, optimizer: { name: "adam", learningRate: 0.005 }, backend: "tfjs-wasm" },
    model: { loss: "bce" },
    parameters: { architecture: { values: ["dense", "conv"] }, hiddenSize: { values: [2, 16, 32] } },
  });
  const tracker = await createTracker({ url });
  try {
    const result = await runSweep({ sweep, registry, tracker, artifactsDir });
    const failed = result.outcomes.filter((o) => o.status !== "finished");
    if (failed.length > 0) throw new Error(`fixture sweep runs failed: ${failed.map((o) => `${o.name}: ${o.error}`).join("; ")}`);
    // The hostile name trains for one epoch only, so it never sets a series minimum.
    const trial = sweep.trials.find((t) => t.params.architecture === "dense" && t.params.hiddenSize === 16)!;
    const data = prepareData(sweep.data);
    const xss = await executeRun({
      config: { ...trial.config, name: XSS_RUN_NAME, training: { ...trial.config.training, epochs: 1 } },
      data,
      baselines: new Baselines(data.split),
      registry,
      tracker,
      artifactsDir,
      sweepId: result.sweepId,
    });
    if (xss.status !== "finished") throw new Error(`fixture run ${XSS_RUN_NAME} failed: ${xss.error}`);
    if (!result.best) throw new Error("the fixture sweep has no best run");
    await exportRun({ tracker, registry, runId: result.best.runId, parts: ["encoder", "decoder", "full"], outDir: path.join(artifactsDir, "onnx") });
    return { exportedRunId: result.best.runId };
  } finally {
    await tracker.close();
  }
}
