import { describe, expect, it } from "vitest";
import type { Backend } from "./backend.ts";
import { BackendRegistry, ErrorCode, isAelabError, presetSpec } from "./index.ts";

function fakeBackend(name: string, options: { fails?: string; trains?: boolean; missing?: string[] } = {}): Backend & { inits: number } {
  const b = {
    name,
    inits: 0,
    async init() {
      b.inits++;
      if (options.fails) throw new Error(options.fails);
    },
    info: () => ({ name, detail: name }),
    supports: () => ({ ok: !options.missing?.length, missing: options.missing ?? [] }),
    createModel: () => Promise.reject(new Error("unused")),
    ...(options.trains ? { createTrainer: () => Promise.reject(new Error("unused")) } : {}),
  };
  return b;
}

describe("BackendRegistry", () => {
  it("resolves auto by priority, falls back past failures, and initialises each backend once", async () => {
    const r = new BackendRegistry();
    const broken = fakeBackend("native", { fails: "libtensorflow missing" });
    const fast = fakeBackend("fast", { trains: true });
    r.register(fast, { priority: 20 });
    r.register(broken, { priority: 30 });
    r.register(fakeBackend("slow", { trains: true }), { priority: 10 });
    expect((await r.resolve("auto")).name).toBe("fast");
    expect((await r.resolve("auto")).name).toBe("fast");
    expect(broken.inits).toBe(1);
    expect(fast.inits).toBe(1);
    expect((await r.resolve(["native", "slow"])).name).toBe("slow");
  });

  it("skips backends that cannot train or lack kernels, and names every reason", async () => {
    const r = new BackendRegistry();
    r.register(fakeBackend("infer-only"), { priority: 30 });
    r.register(fakeBackend("no-kernels", { trains: true, missing: ["Conv2DBackpropFilter"] }), { priority: 20 });
    const spec = presetSpec("dense", { inputShape: [4], hiddenSize: 2 });
    let error: unknown;
    try {
      await r.resolve("auto", { purpose: "train", spec });
    } catch (e) {
      error = e;
    }
    expect(isAelabError(error, ErrorCode.BackendUnavailable)).toBe(true);
    expect(String((error as Error).message)).toContain("[infer-only] cannot train");
    expect(String((error as Error).message)).toContain("Conv2DBackpropFilter");
  });

  it("refuses duplicate names and unknown hints", async () => {
    const r = new BackendRegistry();
    r.register(fakeBackend("a"));
    expect(() => r.register(fakeBackend("a"))).toThrow(/already registered/);
    await expect(r.resolve("b")).rejects.toThrow(/\[b\] not registered \(registered: a\)/);
  });
});
