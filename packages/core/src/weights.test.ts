import { describe, expect, it } from "vitest";
import { deserializeWeights, hashWeights, initializeWeights, parameterInfos, presetSpec, serializeWeights, validateWeights } from "./index.ts";

const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 16 });

describe("neutral weights", () => {
  it("initialises every parameter deterministically, Glorot-bounded kernels and zero biases", () => {
    const a = initializeWeights(spec, 3);
    const b = initializeWeights(spec, 3);
    const c = initializeWeights(spec, 4);
    expect(a.tensors.map((t) => t.name)).toEqual(parameterInfos(spec).map((p) => p.name));
    expect(a.tensors[0].data).toEqual(b.tensors[0].data);
    expect(a.tensors[0].data).not.toEqual(c.tensors[0].data);
    const kernel = a.tensors.find((t) => t.name === "encoder.0.kernel")!;
    const limit = Math.sqrt(6 / (9 * 1 + 9 * 16));
    expect(Math.max(...kernel.data.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...kernel.data.map(Math.abs))).toBeGreaterThan(limit * 0.8);
    expect([...a.tensors.find((t) => t.name === "encoder.0.bias")!.data].every((v) => v === 0)).toBe(true);
    validateWeights(spec, a);
  });

  it("round-trips through the binary form and hashes stably", async () => {
    const w = initializeWeights(spec, 1);
    const bytes = serializeWeights(w);
    const back = deserializeWeights(bytes);
    expect(back.tensors.map((t) => t.shape)).toEqual(w.tensors.map((t) => t.shape));
    expect(back.tensors[2].data).toEqual(w.tensors[2].data);
    expect(await hashWeights(back)).toBe(await hashWeights(w));
    expect(await hashWeights(w)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the offset of a truncated or corrupted file", () => {
    const bytes = serializeWeights(initializeWeights(spec, 1));
    expect(() => deserializeWeights(bytes.subarray(0, bytes.length - 8), "w.bin")).toThrow(/w\.bin: .*truncated/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => deserializeWeights(bad, "w.bin")).toThrow(/offset 0/);
  });

  it("refuses weights whose shapes do not fit the spec", () => {
    const w = initializeWeights(spec, 1);
    w.tensors[0] = { ...w.tensors[0], shape: [3, 3, 1, 8], data: new Float32Array(72) };
    expect(() => validateWeights(spec, w)).toThrow(/encoder\.0\.kernel must have shape \[3,3,1,16\]. Received: shape \[3,3,1,8\]/);
  });
});
