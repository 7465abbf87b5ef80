// tfjs-wasm with its thread pool against tfjs-cpu, and a process that must exit
// by itself. In its own file, hence its own process: the wasm backend
// initialises once per process, and this file asks for 2 threads before it does.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { initializeWeights, presetSpec, sliceBatch, type Backend } from "@aelab/core";
// eslint-disable-next-line @nx/enforce-module-boundaries -- tests use real MNIST from @aelab/data, a dev dependency only
import { loadMnist } from "@aelab/data";
import { beforeAll, describe, expect, it } from "vitest";
import { createTfjsBackend } from "./index.ts";
import { ADAM, maxScaledDiff, newTrainer } from "./internal/test-support.ts";
import { WASM_THREADS_ENV } from "./internal/wasm-threads.ts";

process.env[WASM_THREADS_ENV] = "2";
const images = loadMnist({ limit: 96 }).images;
const wasm: Backend = createTfjsBackend("wasm");
const cpu: Backend = createTfjsBackend("cpu");

beforeAll(async () => {
  await wasm.init();
  await cpu.init();
});

describe("tfjs-wasm with 2 threads under Node", () => {
  it("runs XNNPACK's pool with 2 threads and says so", () => {
    expect(wasm.info()).toEqual({ name: "tfjs-wasm", detail: "tfjs 4.22.0 wasm (simd, 2 threads)", threads: 2 });
  });

  describe.each(["dense", "seed-conv"])("%s preset, same weights on wasm and cpu", (preset) => {
    const spec = presetSpec(preset, { inputShape: [28, 28, 1], hiddenSize: 16 });
    const weights = initializeWeights(spec, 3);

    it("reconstructs a batch of 32 within 1e-4", async () => {
      const x = sliceBatch(images, 0, 32);
      const outputs = await Promise.all(
        [wasm, cpu].map(async (backend) => {
          const model = await backend.createModel({ spec, weights });
          const out = await model.reconstruct(x);
          await model.dispose();
          return out.data;
        }),
      );
      expect(maxScaledDiff(outputs[0], outputs[1])).toBeLessThan(1e-4);
    });

    // Training is compared on losses for adam, and on weights too for sgd: adam's
    // first steps move each weight by about ±lr whatever its gradient's size, so
    // a near-zero gradient of either sign already differs between wasm and cpu
    // (up to 3e-4 after 3 steps, the same with 1 thread as with 2).
    it.each([
      ["adam", ADAM, false],
      ["sgd", { ...ADAM, name: "sgd" as const, learningRate: 0.05 }, true],
    ] as const)("takes 3 %s steps at batch 32 to the same losses (and for sgd weights) within 1e-4", async (_, optimizer, compareWeights) => {
      const run = async (backend: Backend) => {
        const trainer = await newTrainer(backend, { spec, weights, optimizer, seed: 3 });
        const losses: number[] = [];
        for (let i = 0; i < 3; i++) losses.push(await trainer.trainBatch(sliceBatch(images, i * 32, i * 32 + 32)));
        const after = await trainer.getWeights();
        await trainer.dispose();
        return { losses, after };
      };
      const [w, c] = [await run(wasm), await run(cpu)];
      expect(maxScaledDiff(w.losses, c.losses)).toBeLessThan(1e-4);
      if (!compareWeights) return;
      expect(w.after.tensors.map((t) => t.name)).toEqual(c.after.tensors.map((t) => t.name));
      c.after.tensors.forEach((t, i) => expect(maxScaledDiff(w.after.tensors[i].data, t.data), t.name).toBeLessThan(1e-4));
    });
  });

  it("lets a process that trained on it exit by itself, with the results of 1 thread", () => {
    const script = fileURLToPath(new URL("../scripts/wasm-threads-check.ts", import.meta.url));
    const runChild = (threads: string) => {
      const child = spawnSync(process.execPath, ["--import", "tsx", script], {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        env: { ...process.env, [WASM_THREADS_ENV]: threads },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(child.error, `the ${threads}-thread child did not exit within 60 s`).toBeUndefined();
      expect(child.stderr).toBe("");
      expect(child.status).toBe(0);
      return JSON.parse(child.stdout) as { detail: string; threads: number; firstOutput: number; losses: number[] };
    };
    const two = runChild("2");
    expect(two).toMatchObject({ detail: "tfjs 4.22.0 wasm (simd, 2 threads)", threads: 2 });
    const one = runChild("1");
    expect(one).toMatchObject({ detail: "tfjs 4.22.0 wasm (simd, 1 thread)", threads: 1 });
    expect(maxScaledDiff([two.firstOutput, ...two.losses], [one.firstOutput, ...one.losses])).toBeLessThan(1e-6);
  });
});
