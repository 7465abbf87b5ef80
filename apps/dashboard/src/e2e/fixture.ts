/**
 * Seeds a tracking store for the dashboard's end-to-end test.
 * Kept small and self-contained on purpose: its body is meant to be replaced by
 * a real short training sweep (dense and conv × hidden sizes 2/16/32).
 */
import { presetSpec } from "@aelab/core";
import { createTracker } from "@aelab/tracking";

export const FIXTURE_EXPERIMENT = "e2e-fixture";
export const XSS_RUN_NAME = "<img src=x onerror=alert(1)>";

const ARCHITECTURES = ["dense", "conv"] as const;
const HIDDEN_SIZES = [2, 16, 32] as const;
const EPOCHS = 5;

/** Synthetic but plausible: error falls with hidden size and epochs; conv is a little better. */
function valMse(architecture: string, hidden: number, epoch: number): number {
  const floor = (architecture === "conv" ? 0.055 : 0.065) / (1 + hidden / 6);
  return floor * (1 + 0.6 / epoch);
}

export async function seedFixture(url: string): Promise<void> {
  const tracker = await createTracker({ url });
  try {
    const sweep = await tracker.createSweep({
      experimentName: FIXTURE_EXPERIMENT,
      name: "arch-x-hidden",
      config: { architectures: ARCHITECTURES, hiddenSizes: HIDDEN_SIZES, epochs: EPOCHS },
    });
    const runs = [
      ...ARCHITECTURES.flatMap((architecture) => HIDDEN_SIZES.map((hidden) => ({ architecture, hidden, name: `${architecture}-h${hidden}` }))),
      { architecture: "dense" as const, hidden: 16, name: XSS_RUN_NAME },
    ];
    for (const { architecture, hidden, name } of runs) {
      const run = await tracker.startRun({
        experimentName: FIXTURE_EXPERIMENT,
        name,
        sweepId: sweep.id,
        architecture,
        hiddenSize: hidden,
        spec: presetSpec(architecture, { inputShape: [28, 28, 1], hiddenSize: hidden }),
        seed: 7,
        backend: "fixture",
        params: { epochs: EPOCHS, batchSize: 64, learningRate: 0.001 },
        tags: { source: "e2e fixture" },
      });
      // The XSS-named run trails the sweep so it never sets a series minimum.
      const penalty = name === XSS_RUN_NAME ? 1.5 : 1;
      for (let epoch = 1; epoch <= EPOCHS; epoch++) {
        const mse = valMse(architecture, hidden, epoch) * penalty;
        await tracker.logMetrics(run.id, [
          { key: "train_loss", value: mse * 0.9, step: epoch, epoch },
          { key: "val_loss", value: mse, step: epoch, epoch },
          { key: "val_mse", value: mse, step: epoch, epoch },
        ]);
      }
      await tracker.logMetrics(run.id, [{ key: "pca_val_mse", value: 0.07 / (1 + hidden / 8), step: 0 }]);
      await tracker.logArtifact(run.id, { kind: "weights", path: `artifacts/${run.id}/weights.json`, bytes: 4096 * hidden, sha256: "0".repeat(64) });
      await tracker.endRun(run.id, { status: "finished" });
    }
    await tracker.endSweep(sweep.id, "finished");
  } finally {
    await tracker.close();
  }
}
