import { describe, expect, it } from "vitest";
import { GraphBuilder, attr, type Value } from "./graph-builder.ts";

describe("GraphBuilder", () => {
  it("adds a Transpose only when the physical layout differs", () => {
    const g = new GraphBuilder();
    const v: Value = { name: "input", shape: [4, 6, 2], physical: "nhwc" };
    expect(g.toLayout(v, "nhwc", "x")).toBe(v);
    const nchw = g.toLayout(v, "nchw", "x");
    expect(nchw.physical).toBe("nchw");
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0]).toMatchObject({ op_type: "Transpose", input: ["input"], attribute: [{ name: "perm", ints: [0, 3, 1, 2] }] });
    const flat: Value = { name: "f", shape: [8], physical: "flat" };
    expect(g.toLayout(flat, "nchw", "y")).toBe(flat);
  });

  it("renames the producer's output when it can, and adds an Identity otherwise", () => {
    const g = new GraphBuilder();
    g.reserve("input");
    const y = g.node("Relu", ["input"]);
    g.bindOutput({ name: y, shape: [3], physical: "flat" }, "code", ["input"]);
    expect(g.nodes.map((n) => [n.op_type, n.output])).toEqual([["Relu", ["code"]]]);

    const h = new GraphBuilder();
    h.bindOutput({ name: "input", shape: [3], physical: "flat" }, "code", ["input"]);
    expect(h.nodes.map((n) => [n.op_type, n.input, n.output])).toEqual([["Identity", ["input"], ["code"]]]);
  });

  it("keeps names unique and encodes attributes by kind", () => {
    const g = new GraphBuilder();
    const a = g.node("Elu", ["x"], { alpha: attr.float(1) }, "act");
    const b = g.node("Elu", ["x"], { alpha: attr.float(1) }, "act");
    expect(a).not.toBe(b);
    expect(g.nodes[0].attribute).toEqual([{ name: "alpha", type: 1, f: 1 }]);
    const shape = g.int64Initializer("shape", [0, -1]);
    expect(g.initializers[0]).toMatchObject({ name: shape, dims: [2], data_type: 7 });
    expect([...new BigInt64Array(g.initializers[0].raw_data.slice().buffer)]).toEqual([0n, -1n]);
  });
});
