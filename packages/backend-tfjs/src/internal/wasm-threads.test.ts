import { ErrorCode, isAelabError } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { MAX_WASM_THREADS, wasmThreadsUnsupportedReason, wasmThreadsWanted } from "./wasm-threads.ts";

describe("wasmThreadsWanted", () => {
  it("defaults to min(2, cores) when AELAB_WASM_THREADS is unset or blank", () => {
    expect(wasmThreadsWanted(undefined, 1)).toBe(1);
    expect(wasmThreadsWanted(undefined, 2)).toBe(2);
    expect(wasmThreadsWanted(undefined, 64)).toBe(2);
    expect(wasmThreadsWanted(" ", 8)).toBe(2);
  });

  it("takes an explicit count from 1 to the build's pool of 8", () => {
    expect(wasmThreadsWanted("1", 8)).toBe(1);
    expect(wasmThreadsWanted("4", 2)).toBe(4);
    expect(wasmThreadsWanted(String(MAX_WASM_THREADS), 2)).toBe(8);
  });

  it.each(["0", "9", "1.5", "two", "-1"])("refuses %j with INVALID_CONFIG", (value) => {
    let caught: unknown;
    try {
      wasmThreadsWanted(value, 2);
    } catch (error) {
      caught = error;
    }
    expect(isAelabError(caught) && caught.code).toBe(ErrorCode.InvalidConfig);
    expect((caught as Error).message).toBe(`AELAB_WASM_THREADS must be an integer from 1 to 8. Received: ${JSON.stringify(value)}`);
  });
});

describe("wasmThreadsUnsupportedReason", () => {
  it("finds SharedArrayBuffer and wasm atomics on this Node", () => {
    expect(wasmThreadsUnsupportedReason(true)).toBeUndefined();
  });

  it("needs SIMD, since tfjs ships threads only in its threaded-simd build", () => {
    expect(wasmThreadsUnsupportedReason(false)).toBe("the threaded build needs wasm SIMD");
  });
});
