// In its own file, hence its own process: tfjs's wasm backend initialises once per process.
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { loadRuntime } from "./runtime.ts";

describe("tfjs-wasm when its pthread workers cannot start", () => {
  it("falls back to the single-threaded build, says why, and leaves no shim behind", async () => {
    const runtime = await loadRuntime("wasm", undefined, { threads: 2, gluePath: "/nonexistent/tfjs-backend-wasm-threaded-simd.js" });
    expect(runtime.threads).toBe(1);
    expect(runtime.detail).toMatch(/^tfjs 4\.22\.0 wasm \(simd, 1 thread; 2 threads unavailable: ENOENT: no such file or directory.*nonexistent.*\)$/);
    expect("Worker" in globalThis).toBe(false);
    runtime.activate();
    expect(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0]).toBe(11);
  });
});
