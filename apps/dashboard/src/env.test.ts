import { AelabError } from "@aelab/core";
import { describe, expect, it } from "vitest";
import { findRepoRoot, parseEnv } from "./env";

describe("parseEnv", () => {
  it("defaults AELAB_DB to aelab.db at the repo root", () => {
    expect(parseEnv({}).AELAB_DB).toBe(`file:${findRepoRoot()}/aelab.db`);
  });

  it("resolves relative SQLite paths against the repo root", () => {
    expect(parseEnv({ AELAB_DB: "file:./runs/x.db" }).AELAB_DB).toBe(`file:${findRepoRoot()}/runs/x.db`);
  });

  it("accepts SQLite and PostgreSQL URLs", () => {
    expect(parseEnv({ AELAB_DB: "file:/tmp/x.db" }).AELAB_DB).toBe("file:/tmp/x.db");
    expect(parseEnv({ AELAB_DB: "postgresql://u:p@127.0.0.1/db", NODE_ENV: "production" })).toEqual({
      AELAB_DB: "postgresql://u:p@127.0.0.1/db",
      NODE_ENV: "production",
    });
  });

  it("rejects anything else with what it received", () => {
    expect(() => parseEnv({ AELAB_DB: "mysql://x" })).toThrow(AelabError);
    expect(() => parseEnv({ AELAB_DB: "mysql://x" })).toThrow('Received: AELAB_DB="mysql://x"');
  });
});
