import { AelabError, BackendRegistry, presetSpec, tensor, type Float32Tensor, type ModelHandler } from "@aelab/core";
import { randomTensor, testWeights } from "@aelab/onnx/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxruntimeBackend, registerOnnxruntimeBackend } from "./index.ts";
import { createOnnxruntimeWebBackend, registerOnnxruntimeWebBackend } from "./web.ts";

const spec = presetSpec("conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
const weights = testWeights(spec, 3);

async function expectCode(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AelabError);
  expect((error as AelabError).code).toBe(code);
  expect((error as AelabError).message).toMatch(message);
}

describe.each([
  ["node", () => createOnnxruntimeBackend({ threads: 1 })],
  ["web", () => createOnnxruntimeWebBackend()],
] as const)("%s model handler input checks", (_entry, make) => {
  let model: ModelHandler;
  beforeAll(async () => {
    const backend = make();
    await backend.init();
    model = await backend.createModel({ spec, weights });
  });
  afterAll(() => model.dispose());

  it("refuses a batch of the wrong length", async () => {
    const x = { data: new Float32Array(783), shape: [1, 28, 28, 1] };
    await expectCode(
      model.encode(x),
      "INVALID_INPUT",
      /encode\(\) expects a float32 batch of shape \[batch,28,28,1\].*Received: shape \[1,28,28,1\] with data length=783 \(expected 784\)$/,
    );
  });

  it("refuses a batch of the wrong shape", async () => {
    await expectCode(model.reconstruct(randomTensor([2, 784], 1)), "INVALID_INPUT", /Received: shape \[2,784\]$/);
    await expectCode(
      model.decode(randomTensor([2, 15], 1)),
      "INVALID_INPUT",
      /decode\(\) expects a float32 batch of shape \[batch,16\].*Received: shape \[2,15\]$/,
    );
    await expectCode(model.encode(randomTensor([0, 28, 28, 1], 1)), "INVALID_INPUT", /Received: shape \[0,28,28,1\]$/);
  });

  it("converts float64 data by rounding to the nearest float32, exactly as a Float32Array of the same values", async () => {
    const x32 = randomTensor([3, 28, 28, 1], 9);
    // Values between float32 neighbours: the conversion must round, not truncate.
    const x64 = Float64Array.from(x32.data, (v, i) => v + (i % 3) * 1e-9);
    const asFloat64 = { data: x64, shape: [3, 28, 28, 1] } as unknown as Float32Tensor;
    const expected = await model.encode({ data: new Float32Array(x64), shape: [3, 28, 28, 1] });
    expect((await model.encode(asFloat64)).data).toEqual(expected.data);
  });

  it("refuses float64 values beyond float32's range, NaN in float64, and other dtypes", async () => {
    const huge = new Float64Array(784);
    huge[10] = 1e39;
    await expectCode(
      model.encode({ data: huge, shape: [1, 28, 28, 1] } as unknown as Float32Tensor),
      "INVALID_INPUT",
      /outside float32's range.*Received: 1e\+39 at index 10$/,
    );
    const nan = new Float64Array(784);
    nan[3] = Number.NaN;
    await expectCode(model.encode({ data: nan, shape: [1, 28, 28, 1] } as unknown as Float32Tensor), "INVALID_INPUT", /Received: NaN at index 3/);
    for (const data of [new Int32Array(784), new Uint8Array(784)]) {
      await expectCode(
        model.encode({ data, shape: [1, 28, 28, 1] } as unknown as Float32Tensor),
        "INVALID_INPUT",
        new RegExp(`Received: ${data.constructor.name} data \\(float32 and float64 are accepted\\)$`),
      );
    }
  });

  it("refuses NaN and infinity, naming the index", async () => {
    const x = randomTensor([3, 28, 28, 1], 2);
    x.data[784 + 5] = Number.NaN;
    await expectCode(model.encode(x), "INVALID_INPUT", /finite input values.*Received: NaN at index 789 \(sample 1\) of shape \[3,28,28,1\]$/);
    const code = tensor(new Float32Array(16).fill(Number.POSITIVE_INFINITY), [1, 16]);
    await expectCode(model.decode(code), "INVALID_INPUT", /Received: Infinity at index 0/);
  });

  it("still works after refusing bad input", async () => {
    const y = await model.reconstruct(randomTensor([2, 28, 28, 1], 4));
    expect(y.shape).toEqual([2, 28, 28, 1]);
    expect(y.data.every((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe("backend contract", () => {
  it("infers and trains, and says so in supports()", () => {
    const backend = createOnnxruntimeBackend();
    expect(backend.name).toBe("onnxruntime");
    expect(typeof backend.createTrainer).toBe("function");
    expect(backend.supports(spec, "infer")).toEqual({ ok: true, missing: [] });
    expect(backend.supports(spec, "train")).toEqual({ ok: true, missing: [] });
  });

  it("reports an unsupported layer in supports()", () => {
    const bad = { ...spec, decoder: [{ type: "lstm", units: 3 }, ...spec.decoder] } as unknown as typeof spec;
    expect(createOnnxruntimeBackend().supports(bad, "infer")).toMatchObject({ ok: false, missing: [expect.stringMatching(/Received: type="lstm"/)] });
  });

  it("refuses createModel before init and after dispose", async () => {
    const backend = createOnnxruntimeBackend({ threads: 1 });
    await expectCode(backend.createModel({ spec, weights }), "BACKEND_UNAVAILABLE", /init\(\)/);
    await backend.init();
    expect(backend.info().detail).toMatch(/^onnxruntime-node 1\.30\.0 \[cpu\], graph optimization all$/);
    const model = await backend.createModel({ spec, weights });
    await model.dispose();
    await expectCode(model.encode(randomTensor([1, 28, 28, 1], 1)), "BACKEND_UNAVAILABLE", /disposed/);
  });

  it("refuses weights that do not fit the spec", async () => {
    const backend = createOnnxruntimeBackend();
    await backend.init();
    const other = testWeights(presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 16 }), 1);
    await expect(backend.createModel({ spec, weights: other })).rejects.toBeInstanceOf(AelabError);
  });

  it("validates options with INVALID_CONFIG", () => {
    expect(() => createOnnxruntimeBackend({ threads: 0 })).toThrow(/threads must be an integer from 1 to 256\. Received: threads=0/);
    expect(() => createOnnxruntimeBackend({ graphOptimizationLevel: "max" as "all" })).toThrow(/Received: "max"/);
    expect(() => createOnnxruntimeBackend({ executionProviders: [] })).toThrow(/Received: \[\]/);
  });

  it("registers explicitly and resolves by name, with the web entry as a separate name", async () => {
    const registry = new BackendRegistry();
    expect(registry.names()).toEqual([]);
    registerOnnxruntimeBackend(registry, { priority: 0, threads: 1 });
    registerOnnxruntimeWebBackend(registry, { priority: -1 });
    expect(registry.names()).toEqual(["onnxruntime", "onnxruntime-web"]);
    const backend = await registry.resolve("auto", { purpose: "infer", spec });
    expect(backend.name).toBe("onnxruntime");
    expect((await registry.resolve("onnxruntime", { purpose: "train", spec })).name).toBe("onnxruntime");
    const bad = { ...spec, encoder: [{ type: "lstm", units: 3 }, ...spec.encoder] } as unknown as typeof spec;
    await expect(registry.resolve("onnxruntime", { purpose: "train", spec: bad })).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      message: expect.stringMatching(/\[onnxruntime\] cannot train this model: Layer encoder\.0 .*lstm/),
    });
    const web = await registry.resolve("onnxruntime-web", { purpose: "infer", spec });
    expect(web.info().detail).toMatch(/^onnxruntime-web 1\.30\.0 wasm \(1 thread\) \[wasm\]/);
  });
});
