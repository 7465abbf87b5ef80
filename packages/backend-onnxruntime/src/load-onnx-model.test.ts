import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AelabError, hashWeights, maxAbsDiff, presetSpec, serializeWeights } from "@aelab/core";
import { exportOnnx } from "@aelab/onnx";
import { nhwcToNchw, randomTensor, referenceForward, testWeights } from "@aelab/onnx/testing";
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxModel } from "./index.ts";
import { loadOnnxModel as loadOnnxModelWeb } from "./web.ts";

const spec = presetSpec("seed-conv", { inputShape: [28, 28, 1], hiddenSize: 16 });
const weights = testWeights(spec, 9);
const dir = mkdtempSync(join(tmpdir(), "aelab-ort-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function selfTestedEncoder(layout: "nhwc" | "nchw") {
  const x = randomTensor([3, 28, 28, 1], 1);
  const y = referenceForward({ spec, weights, part: "encoder", input: x });
  const selfTest = layout === "nchw" ? { input: nhwcToNchw(x), output: nhwcToNchw(y) } : { input: x, output: y };
  return { bytes: await exportOnnx({ spec, weights, part: "encoder", layout, selfTest, metadata: { "aelab.run_id": "run-1" } }), x, y };
}

describe.each([
  ["node", loadOnnxModel],
  ["web", loadOnnxModelWeb],
] as const)("loadOnnxModel (%s)", (_entry, load) => {
  it("reports the metadata, runs, and passes its self-test", async () => {
    const { bytes, x, y } = await selfTestedEncoder("nhwc");
    const model = await load(bytes, { threads: 1 });
    try {
      expect(model.inputName).toBe("input");
      expect(model.outputName).toBe("code");
      expect(model.inputShape).toEqual([28, 28, 1]);
      expect(model.metadata?.spec).toEqual(spec);
      expect(model.metadata?.part).toBe("encoder");
      expect(model.metadata?.weightsSha256).toBe(await hashWeights(weights));
      expect(model.metadata?.user).toEqual({ "aelab.run_id": "run-1" });
      expect(model.info.inputs[0].shape).toEqual(["batch", 28, 28, 1]);
      expect(maxAbsDiff(await model.run(x), y)).toBeLessThan(1e-4);
      const check = await model.runSelfTest();
      expect(check).toMatchObject({ passed: true, tolerance: 1e-4, samples: 3 });
      expect(check?.maxAbsDiff).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
    }
  });

  it("takes channels-first input for an nchw export", async () => {
    const { bytes, x, y } = await selfTestedEncoder("nchw");
    const model = await load(bytes, { threads: 1 });
    try {
      expect(model.inputShape).toEqual([1, 28, 28]);
      expect(maxAbsDiff(await model.run(nhwcToNchw(x)), nhwcToNchw(y))).toBeLessThan(1e-4);
      expect((await model.runSelfTest())?.passed).toBe(true);
      await expect(model.run(x)).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/\[batch,1,28,28\].*Received: shape \[3,28,28,1\]$/),
      });
    } finally {
      await model.dispose();
    }
  });

  it("fails a self-test whose expected output is wrong", async () => {
    const x = randomTensor([2, 28, 28, 1], 1);
    const wrong = referenceForward({ spec, weights, part: "full", input: x });
    wrong.data[10] += 0.01;
    const model = await load(await exportOnnx({ spec, weights, part: "full", selfTest: { input: x, output: wrong } }), { threads: 1 });
    try {
      const check = await model.runSelfTest();
      expect(check?.passed).toBe(false);
      expect(check?.maxAbsDiff).toBeGreaterThan(0.009);
    } finally {
      await model.dispose();
    }
  });

  it("refuses bytes that are not an ONNX model", async () => {
    await expect(load(serializeWeights(weights))).rejects.toMatchObject({ code: "INVALID_DATA" });
  });
});

describe("loadOnnxModel from a path (node)", () => {
  it("reads the file and reports no self-test when none was stored", async () => {
    const path = join(dir, "decoder.onnx");
    writeFileSync(path, await exportOnnx({ spec, weights, part: "decoder" }));
    const model = await loadOnnxModel(path, { threads: 1 });
    try {
      expect(model.metadata?.part).toBe("decoder");
      expect(model.inputShape).toEqual([7, 7, 16]);
      expect(await model.runSelfTest()).toBeUndefined();
    } finally {
      await model.dispose();
    }
  });

  it("refuses a missing file with NOT_FOUND", async () => {
    const error = await loadOnnxModel(join(dir, "nope.onnx")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AelabError);
    expect((error as AelabError).code).toBe("NOT_FOUND");
    expect((error as AelabError).message).toMatch(/Received: .*nope\.onnx/);
  });
});
