/**
 * Execution providers on onnxruntime-node: CUDA is used when the installation
 * has its provider library, dropped (and said so) when a later provider can run,
 * and refused with the install command when none can.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AelabError, presetSpec } from "@aelab/core";
import { randomTensor, referenceForward, testWeights } from "@aelab/onnx/testing";
import { describe, expect, it } from "vitest";
import { createOnnxruntimeBackend, loadOnnxModel } from "./index.ts";
import { CUDA_INSTALL_HINT, chooseNodeProviders, nodeBindingDir } from "./internal/node-providers.ts";

const cudaLibrary = join(nodeBindingDir(), "libonnxruntime_providers_cuda.so");
const hasCuda = existsSync(cudaLibrary);

describe("chooseNodeProviders", () => {
  it("keeps bundled providers, drops a missing CUDA library with the reason, and keeps one that is there", () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-ep-"));
    try {
      const missing = chooseNodeProviders(["cuda", "cpu"], dir);
      expect(missing.usable).toEqual(["cpu"]);
      expect(missing.dropped).toEqual([{ name: "cuda", reason: expect.stringContaining(CUDA_INSTALL_HINT) }]);
      writeFileSync(join(dir, "libonnxruntime_providers_cuda.so"), "");
      expect(chooseNodeProviders(["cuda", "cpu"], dir)).toEqual({ usable: ["cuda", "cpu"], dropped: [] });
      expect(chooseNodeProviders(["webgpu", "cpu"], dir).usable).toEqual(["webgpu", "cpu"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses when no requested provider can run, with the install command and what was asked", () => {
    const dir = mkdtempSync(join(tmpdir(), "aelab-ep-"));
    try {
      expect(() => chooseNodeProviders(["cuda"], dir)).toThrow(AelabError);
      expect(() => chooseNodeProviders(["cuda"], dir)).toThrow(
        /cuda: libonnxruntime_providers_cuda\.so is not in .*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node.*List "cpu" after it.*Received: executionProviders=\["cuda"\]$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(hasCuda)(`this installation, which has no CUDA provider (${cudaLibrary} is absent)`, () => {
  const spec = presetSpec("dense", { inputShape: [28, 28, 1], hiddenSize: 8 });
  const weights = testWeights(spec, 2);

  it("falls back to the CPU for [cuda, cpu], says so in the backend info, and computes the right code", async () => {
    const backend = createOnnxruntimeBackend({ executionProviders: ["cuda", "cpu"], threads: 1 });
    await backend.init();
    expect(backend.info().detail).toMatch(/\[cpu\], graph optimization all; cuda unavailable: libonnxruntime_providers_cuda\.so is not in /);
    const model = await backend.createModel({ spec, weights });
    const x = randomTensor([3, 28, 28, 1], 1);
    const code = await model.encode(x);
    const expected = referenceForward({ spec, weights, part: "encoder", input: x });
    code.data.forEach((v, i) => expect(Math.abs(v - expected.data[i])).toBeLessThan(1e-5));
    await model.dispose();
  });

  it("refuses [cuda] at init with BACKEND_UNAVAILABLE and the install command, and loadOnnxModel likewise", async () => {
    const backend = createOnnxruntimeBackend({ executionProviders: ["cuda"] });
    await expect(backend.init()).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE", message: expect.stringContaining(CUDA_INSTALL_HINT) });
    const { exportOnnx } = await import("@aelab/onnx");
    const bytes = await exportOnnx({ spec, weights, part: "encoder" });
    await expect(loadOnnxModel(bytes, { executionProviders: ["cuda"] })).rejects.toMatchObject({ code: "BACKEND_UNAVAILABLE" });
  });
});
