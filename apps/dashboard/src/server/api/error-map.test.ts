import { AelabError, ErrorCode } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { TRPC_CODE_BY_AELAB_CODE, toTRPCError } from "./error-map";

describe("toTRPCError", () => {
  it("maps every aelab code and keeps message and cause", () => {
    for (const code of Object.values(ErrorCode)) {
      const original = new AelabError(code, `boom. Received: ${code}`);
      const mapped = toTRPCError(original);
      expect(mapped?.code).toBe(TRPC_CODE_BY_AELAB_CODE[code]);
      expect(mapped?.message).toBe(original.message);
      expect(mapped?.cause).toBe(original);
    }
  });

  it("maps NOT_FOUND and leaves other errors alone", () => {
    expect(toTRPCError(new AelabError(ErrorCode.NotFound, "x"))?.code).toBe("NOT_FOUND");
    expect(toTRPCError(new Error("plain"))).toBeNull();
    expect(toTRPCError("text")).toBeNull();
  });

  it("recognises an AelabError from another copy of the class", () => {
    const foreign = Object.assign(new Error("elsewhere"), { name: "AelabError", code: "INVALID_INPUT" });
    expect(toTRPCError(foreign)?.code).toBe("BAD_REQUEST");
  });
});
