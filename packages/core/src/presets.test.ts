import { describe, expect, it } from "vitest";
import { inferShapes, presetSpec, type LayerSpec } from "./index.ts";

const units = (layers: LayerSpec[]) => layers.flatMap((l) => (l.type === "dense" ? [l.units] : []));
const filters = (layers: LayerSpec[]) => layers.flatMap((l) => (l.type === "conv2d" || l.type === "conv2dTranspose" ? [l.filters] : []));
const mnist = [28, 28, 1];

describe("preset depth", () => {
  it("keeps every preset's layers at its default depth, stated or not", () => {
    expect(units(presetSpec("deep-dense", { inputShape: mnist, hiddenSize: 32 }).encoder)).toEqual([256, 128, 32]);
    expect(units(presetSpec("deep-dense", { inputShape: mnist, hiddenSize: 32 }).decoder)).toEqual([128, 256, 784]);
    expect(units(presetSpec("vae", { inputShape: mnist, hiddenSize: 8 }).encoder)).toEqual([256, 8]);
    expect(units(presetSpec("dense", { inputShape: mnist, hiddenSize: 8 }).encoder)).toEqual([8]);
    const conv = presetSpec("conv", { inputShape: mnist, hiddenSize: 16 });
    expect(filters(conv.encoder)).toEqual([16, 8]);
    expect(filters(conv.decoder)).toEqual([8, 16, 1]);
    expect(presetSpec("conv", { inputShape: mnist, hiddenSize: 16, depth: 2 })).toEqual(conv);
    expect(conv.name).toBe("conv-h16");
  });

  it("stacks dense layers of 256, 128, 64 … and mirrors them in the decoder", () => {
    const spec = presetSpec("deep-dense", { inputShape: mnist, hiddenSize: 10, depth: 3 });
    expect(units(spec.encoder)).toEqual([256, 128, 64, 10]);
    expect(units(spec.decoder)).toEqual([64, 128, 256, 784]);
    expect(spec.name).toBe("deep-dense-h10-d3");
    const dense = presetSpec("dense", { inputShape: mnist, hiddenSize: 10, depth: 1 });
    expect(units(dense.encoder)).toEqual([256, 10]);
    expect(inferShapes(dense).parameterCount).toBe(784 * 256 + 256 + 256 * 10 + 10 + 10 * 256 + 256 + 256 * 784 + 784);
    const sparse = presetSpec("sparse", { inputShape: mnist, hiddenSize: 10, depth: 2 });
    expect(sparse.encoder.at(-1)).toMatchObject({ type: "dense", units: 10, activation: "relu" });
  });

  it("builds conv blocks for depths 1 to 4 when the image divides by 2^depth", () => {
    const one = presetSpec("conv", { inputShape: mnist, hiddenSize: 4, depth: 1 });
    expect(filters(one.encoder)).toEqual([8]);
    expect(inferShapes(one).codeSize).toBe(4);
    const three = presetSpec("conv", { inputShape: [32, 32, 3], hiddenSize: 4, depth: 3 });
    expect(filters(three.encoder)).toEqual([32, 16, 8]);
    expect(inferShapes(three).outputShape).toEqual([32, 32, 3]);
    expect(() => presetSpec("conv", { inputShape: mnist, hiddenSize: 4, depth: 3 })).toThrow(/divisible by 8\. Received: input shape \[28, ?28, ?1\]/);
  });

  it("refuses depths out of range, naming the preset", () => {
    expect(() => presetSpec("deep-dense", { inputShape: mnist, hiddenSize: 4, depth: 7 })).toThrow(/"deep-dense".*from 0 to 6\. Received: depth=7/);
    expect(() => presetSpec("conv", { inputShape: mnist, hiddenSize: 4, depth: 0 })).toThrow(/from 1 to 4\. Received: depth=0/);
    expect(() => presetSpec("seed-conv", { inputShape: mnist, hiddenSize: 4, depth: 3 })).toThrow(/"seed-conv".*from 2 to 2/);
    expect(() => presetSpec("dense", { inputShape: mnist, hiddenSize: 4, depth: 1.5 })).toThrow(/Received: depth=1\.5/);
  });
});
