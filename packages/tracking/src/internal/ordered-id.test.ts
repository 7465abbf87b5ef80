import { describe, expect, it } from "vitest";
import { orderedId } from "./ordered-id.ts";

describe("orderedId", () => {
  it("is a version-7 UUID", () => {
    expect(orderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("sorts in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => orderedId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
