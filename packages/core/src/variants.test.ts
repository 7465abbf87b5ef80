import { describe, expect, it } from "vitest";
import {
  AelabError,
  ErrorCode,
  Random,
  drawTrainingRandomness,
  generate,
  inferShapes,
  initializeWeights,
  interpolateCodes,
  parameterInfos,
  parseSpec,
  parseTrainingConfig,
  presetSpec,
  priorCodes,
  specWarnings,
  type Float32Tensor,
  type ModelHandler,
} from "./index.ts";

function refusal(fn: () => unknown): AelabError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AelabError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

const mnist = [28, 28, 1];

describe("denoising, sparse and vae presets", () => {
  it("denoising is deep-dense plus clipped gaussian noise", () => {
    const spec = presetSpec("denoising", { inputShape: mnist, hiddenSize: 32 });
    expect(spec.noise).toEqual({ type: "gaussian", stddev: 0.5, clip: [0, 1] });
    expect(inferShapes(spec).parameterCount).toBe(inferShapes(presetSpec("deep-dense", { inputShape: mnist, hiddenSize: 32 })).parameterCount);
  });

  it("sparse may be overcomplete without a warning, because of its activity penalty", () => {
    const spec = presetSpec("sparse", { inputShape: mnist, hiddenSize: 1024 });
    expect(spec.regularization.activityL1).toBe(1e-4);
    expect(inferShapes(spec).codeSize).toBe(1024);
    expect(specWarnings(spec)).toEqual([]);
    expect(specWarnings(presetSpec("dense", { inputShape: mnist, hiddenSize: 1024 }))[0]).toMatch(/can learn the identity/);
  });

  it("vae has mean and log-variance heads of the code size, BCE and β=1", () => {
    const spec = presetSpec("vae", { inputShape: mnist, hiddenSize: 2 });
    expect(spec.variational).toEqual({ beta: 1 });
    expect(spec.loss).toBe("bce");
    const report = inferShapes(spec);
    expect(report.codeShape).toEqual([2]);
    expect(report.variationalLayer).toBe("encoder.2");
    const names = parameterInfos(spec).map((p) => p.name);
    expect(names).toContain("encoder.2.logvar.kernel");
    expect(names).toContain("encoder.2.logvar.bias");
    // 784·256+256 + 2·(256·2+2) + 2·256+256 + 256·784+784
    expect(report.parameterCount).toBe(784 * 256 + 256 + 2 * (256 * 2 + 2) + 2 * 256 + 256 + 256 * 784 + 784);
    const weights = initializeWeights(spec, 1);
    expect(weights.tensors.find((t) => t.name === "encoder.2.logvar.kernel")?.shape).toEqual([256, 2]);
  });

  it("refuses a VAE whose encoder does not end in a linear dense layer, naming the layer", () => {
    const e = refusal(() =>
      parseSpec({ input: { shape: [8] }, encoder: [{ type: "dense", units: 2, activation: "relu" }], decoder: [{ type: "dense", units: 8 }], variational: {} }),
    );
    expect(e.code).toBe(ErrorCode.InvalidSpec);
    expect(e.message).toContain('Received: encoder.0 is dense with activation "relu"');
  });
});

describe("dropout", () => {
  it("keeps the shape and has no parameters", () => {
    const { spec } = parseSpec({
      input: { shape: [16] },
      encoder: [
        { type: "dense", units: 8 },
        { type: "dropout", rate: 0.5 },
        { type: "dense", units: 4, activation: "linear" },
      ],
      decoder: [{ type: "dense", units: 16, activation: "sigmoid" }],
    });
    const layer = inferShapes(spec).layers[1];
    expect(layer.outputShape).toEqual([8]);
    expect(layer.params).toEqual([]);
  });

  it.each([0, 1, -0.1])("refuses rate %s with the path", (rate) => {
    const e = refusal(() =>
      parseSpec({
        input: { shape: [4] },
        encoder: [
          { type: "dropout", rate },
          { type: "dense", units: 2 },
        ],
        decoder: [{ type: "dense", units: 4 }],
      }),
    );
    expect(e.message).toContain("encoder.0.rate");
  });
});

describe("standardize scaling", () => {
  const base = {
    input: { shape: [4, 4, 3] },
    encoder: [{ type: "flatten" }, { type: "dense", units: 4 }],
    decoder: [
      { type: "dense", units: 48 },
      { type: "reshape", targetShape: [4, 4, 3] },
    ],
  };

  it("accepts one value or one per channel", () => {
    expect(() => parseSpec({ ...base, input: { shape: [4, 4, 3], scaling: { type: "standardize", mean: [0.5], std: [0.2] } } })).not.toThrow();
    expect(() => parseSpec({ ...base, input: { shape: [4, 4, 3], scaling: { type: "standardize", mean: [1, 2, 3], std: [1, 1, 1] } } })).not.toThrow();
  });

  it("refuses statistics that do not fit the channels, and BCE on standardised targets", () => {
    expect(refusal(() => parseSpec({ ...base, input: { shape: [4, 4, 3], scaling: { type: "standardize", mean: [1, 2], std: [1] } } })).message).toContain(
      "input.scaling.mean needs 1 value or one per channel (3). Received: 2 values",
    );
    expect(
      refusal(() => parseSpec({ ...base, loss: "bce", input: { shape: [4, 4, 3], scaling: { type: "standardize", mean: [0], std: [1] } } })).message,
    ).toContain('Received: loss "bce" with scaling "standardize"');
    expect(refusal(() => parseSpec({ ...base, input: { shape: [4, 4, 3], scaling: { type: "standardize", mean: [0], std: [0] } } })).message).toContain(
      "input.scaling",
    );
  });
});

describe("training config", () => {
  it("fills Keras's ReduceLROnPlateau defaults", () => {
    expect(parseTrainingConfig({ reduceLrOnPlateau: {} }).reduceLrOnPlateau).toEqual({
      factor: 0.1,
      patience: 10,
      minDelta: 1e-4,
      cooldown: 0,
      minLearningRate: 0,
    });
    expect(refusal(() => parseTrainingConfig({ reduceLrOnPlateau: { factor: 1 } })).message).toContain("reduceLrOnPlateau.factor");
  });
});

describe("drawTrainingRandomness", () => {
  const { spec } = parseSpec({
    input: { shape: [10] },
    encoder: [
      { type: "dense", units: 6 },
      { type: "dropout", rate: 0.25 },
      { type: "dense", units: 3, activation: "linear" },
    ],
    decoder: [
      { type: "dropout", rate: 0.5 },
      { type: "dense", units: 10, activation: "sigmoid" },
    ],
    noise: { type: "gaussian", stddev: 2, clip: [0, 1] },
    variational: { beta: 0.5 },
  });
  const shapes = inferShapes(spec);
  const batch = new Float32Array(4 * 10).fill(0.5);

  it("is reproducible from the seed and draws every part with the right size", () => {
    const a = drawTrainingRandomness(spec, shapes, batch, 4, new Random(7));
    const b = drawTrainingRandomness(spec, shapes, batch, 4, new Random(7));
    expect(a).toEqual(b);
    expect(a.input?.length).toBe(40);
    expect(Math.min(...(a.input ?? []))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...(a.input ?? []))).toBeLessThanOrEqual(1);
    expect(a.dropout.get("encoder.1")?.length).toBe(24);
    expect(a.dropout.get("decoder.0")?.length).toBe(12);
    expect(a.epsilon?.length).toBe(12);
  });

  it("keeps about 1 − rate of values, scaled by 1/(1 − rate)", () => {
    const big = new Float32Array(1000 * 10);
    const d = drawTrainingRandomness(spec, shapes, big, 1000, new Random(1)).dropout.get("encoder.1") as Float32Array;
    const kept = d.filter((v) => v > 0);
    expect(kept.length / d.length).toBeGreaterThan(0.73);
    expect(kept.length / d.length).toBeLessThan(0.77);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
  });
});

describe("generate", () => {
  const vae = presetSpec("vae", { inputShape: mnist, hiddenSize: 2 });

  it("draws prior codes from N(0, I) and refuses prior sampling for a plain AE", () => {
    const codes = priorCodes(vae, 5000, 3);
    expect(codes.shape).toEqual([5000, 2]);
    const m = codes.data.reduce((s, v) => s + v, 0) / codes.data.length;
    const v = codes.data.reduce((s, x) => s + (x - m) ** 2, 0) / codes.data.length;
    expect(Math.abs(m)).toBeLessThan(0.05);
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
    expect(refusal(() => priorCodes(presetSpec("dense", { inputShape: mnist, hiddenSize: 2 }), 2, 1)).message).toContain('Use mode "interpolate"');
  });

  it("interpolates including both ends", () => {
    const codes = interpolateCodes({ data: Float32Array.of(0, 10), shape: [1, 2] }, { data: Float32Array.of(4, 0), shape: [1, 2] }, 5);
    expect(Array.from(codes.data)).toEqual([0, 10, 1, 7.5, 2, 5, 3, 2.5, 4, 0]);
    expect(refusal(() => interpolateCodes({ data: Float32Array.of(0), shape: [1, 1] }, { data: Float32Array.of(1), shape: [1, 1] }, 1)).message).toContain(
      "steps=1",
    );
  });

  it("decodes through the model handler", async () => {
    const seen: (readonly number[])[] = [];
    const model = {
      encode: async (x: Float32Tensor) => ({ data: Float32Array.of(x.data[0], 0), shape: [1, 2] }),
      decode: async (code: Float32Tensor) => {
        seen.push(code.shape);
        return { data: new Float32Array(code.shape[0] * 784), shape: [code.shape[0], 28, 28, 1] };
      },
    } as unknown as ModelHandler;
    expect((await generate(model, vae, { mode: "prior", count: 3, seed: 1 })).shape).toEqual([3, 28, 28, 1]);
    const one = { data: new Float32Array(784), shape: [1, 28, 28, 1] };
    expect((await generate(model, vae, { mode: "interpolate", from: one, to: one, steps: 4 })).shape).toEqual([4, 28, 28, 1]);
    expect(seen).toEqual([
      [3, 2],
      [4, 2],
    ]);
  });
});
