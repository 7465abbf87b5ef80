import { isAelabError } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, redactUrl, resolveDatabaseUrl } from "./database-url.ts";
import { summarise } from "./metric-summary.ts";
import { decodeNumber, encodeNumber, INFINITY_SENTINEL } from "./number-codec.ts";
import { decodeParam, encodeParam } from "./param-codec.ts";

describe("number codec", () => {
  it.each([0, 1.5, -2.25, 5e-324, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("round-trips %s", (x) => {
    const { value, kind } = encodeNumber(x);
    expect(Object.is(decodeNumber(value, kind), x)).toBe(true);
  });

  it("keeps ±Infinity orderable and NaN NULL", () => {
    expect(encodeNumber(Number.POSITIVE_INFINITY)).toEqual({
      value: INFINITY_SENTINEL,
      kind: "inf",
    });
    expect(encodeNumber(Number.NEGATIVE_INFINITY)).toEqual({
      value: -INFINITY_SENTINEL,
      kind: "-inf",
    });
    expect(encodeNumber(Number.NaN)).toEqual({ value: null, kind: "nan" });
  });
});

describe("param codec", () => {
  it.each([["1"], [1], [true], [false], [""], [Number.NaN], [-0.1], [1 / 3]] as const)("keeps %s and its type", (v) => {
    const { type, value } = encodeParam(v);
    expect(decodeParam(type, value)).toStrictEqual(v);
  });
});

describe("summarise (the NaN rule)", () => {
  const finite = (min: number, max: number, count: number) => ({
    kind: "finite",
    min,
    max,
    count,
  });
  it("ignores NaN for min/max but not for latest", () => {
    const s = summarise([finite(0.1, 0.9, 3), { kind: "nan", min: null, max: null, count: 1 }], { step: 4, value: Number.NaN });
    expect(s).toMatchObject({
      latestKind: "nan",
      latestValue: null,
      minValue: 0.1,
      maxValue: 0.9,
      count: 4,
      latestStep: 4,
    });
  });
  it("lets ±Infinity win min/max", () => {
    const s = summarise([finite(0.1, 0.9, 3), { kind: "inf", min: null, max: null, count: 1 }, { kind: "-inf", min: null, max: null, count: 1 }], {
      step: 0,
      value: 0.5,
    });
    expect([s.minKind, s.maxKind]).toEqual(["-inf", "inf"]);
  });
  it("is NaN only when every value is NaN", () => {
    const s = summarise([{ kind: "nan", min: null, max: null, count: 2 }], {
      step: 1,
      value: Number.NaN,
    });
    expect([s.minKind, s.maxKind, s.latestKind]).toEqual(["nan", "nan", "nan"]);
  });
  it("handles only-infinite values", () => {
    const s = summarise([{ kind: "inf", min: null, max: null, count: 1 }], {
      step: 0,
      value: Number.POSITIVE_INFINITY,
    });
    expect([s.minKind, s.maxKind]).toEqual(["inf", "inf"]);
  });
});

describe("database URLs", () => {
  it("classifies file: and postgres URLs and reads ?schema=", () => {
    expect(parseDatabaseUrl("file:/tmp/x.db")).toEqual({
      provider: "sqlite",
      path: "/tmp/x.db",
    });
    expect(parseDatabaseUrl("file:///tmp/x.db")).toEqual({
      provider: "sqlite",
      path: "/tmp/x.db",
    });
    expect(parseDatabaseUrl("file:rel/x.db")).toMatchObject({
      provider: "sqlite",
      path: expect.stringMatching(/\/rel\/x\.db$/),
    });
    expect(parseDatabaseUrl("postgres://u:p@h:5432/db?schema=s1&sslmode=disable")).toEqual({
      provider: "postgres",
      connectionString: "postgres://u:p@h:5432/db?sslmode=disable",
      schema: "s1",
    });
  });
  it("rejects other schemes and unsafe schema names", () => {
    for (const url of ["mysql://h/db", "postgresql://h/db?schema=a;drop", "file::memory:"]) {
      expect(
        isAelabError(
          (() => {
            try {
              parseDatabaseUrl(url);
            } catch (e) {
              return e;
            }
          })(),
          "INVALID_INPUT",
        ),
        url,
      ).toBe(true);
    }
  });
  it("defaults to AELAB_DB, then file:./aelab.db", () => {
    const saved = process.env.AELAB_DB;
    try {
      delete process.env.AELAB_DB;
      expect(resolveDatabaseUrl()).toBe("file:./aelab.db");
      process.env.AELAB_DB = "file:/tmp/env.db";
      expect(resolveDatabaseUrl()).toBe("file:/tmp/env.db");
      expect(resolveDatabaseUrl("file:/x.db")).toBe("file:/x.db");
    } finally {
      if (saved === undefined) delete process.env.AELAB_DB;
      else process.env.AELAB_DB = saved;
    }
  });
  it("redacts passwords in messages", () => {
    expect(redactUrl("postgresql://me:secret@h/db")).toBe('"postgresql://me:***@h/db"');
  });
});
