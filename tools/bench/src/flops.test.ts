import { autoencoderSpecSchema, presetSpec } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { flopsPerSample } from "./flops.ts";

// Closed forms from shared/research/peer-benchmarks.md (model A: 0.836 / 0.418 MFLOP; model B: 4.742 / 2.258 MFLOP).
describe("flopsPerSample", () => {
  it("matches model A (784-256-32-256-784) of the research notes", () => {
    const spec = autoencoderSpecSchema.parse({
      input: { shape: [784] },
      encoder: [
        { type: "dense", units: 256 },
        { type: "dense", units: 32 },
      ],
      decoder: [
        { type: "dense", units: 256 },
        { type: "dense", units: 784, activation: "sigmoid" },
      ],
    });
    const f = flopsPerSample(spec);
    expect(f.encoder).toBe(2 * (784 * 256 + 256 * 32));
    expect(f.full).toBe(835_584);
    expect(f.train).toBe(3 * 835_584);
  });

  it("matches model B (the seed-conv preset) of the research notes", () => {
    const f = flopsPerSample(presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 32 }));
    // conv 28²·9·1·32 + conv 14²·9·32·16 ; convT 7²·9·16·16 + convT 14²·9·16·32 + conv 28²·9·32·1
    expect(f.encoder).toBe(2 * (225_792 + 903_168));
    expect(f.decoder).toBe(2 * (112_896 + 903_168 + 225_792));
    expect(f.full).toBe(4_741_632);
  });

  it("counts the dense preset at code size 32 as two 784×32 matmuls", () => {
    const f = flopsPerSample(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 32 }));
    expect(f.encoder).toBe(2 * 784 * 32);
    expect(f.full).toBe(4 * 784 * 32);
  });
});
